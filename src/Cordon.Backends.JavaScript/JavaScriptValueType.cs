namespace Cordon.Backends.JavaScript;

/// <summary>The primitive types a <see cref="JavaScriptHostFunction"/> takes and returns.</summary>
public enum JavaScriptValueType
{
    /// <summary>A JavaScript number (<see cref="double"/>).</summary>
    Number,

    /// <summary>A JavaScript number that must be a whole number in the 32-bit range (<see cref="int"/>).</summary>
    Integer,

    /// <summary>A JavaScript boolean (<see cref="bool"/>).</summary>
    Boolean,

    /// <summary>A JavaScript string (<see cref="string"/>); a null result becomes <c>null</c>.</summary>
    String,
}
