namespace Cordon.Errors;

/// <summary>Base of every error Cordon raises itself (not of guest failures, which are results).</summary>
public abstract class CordonException : Exception
{
    private protected CordonException(string message, Exception? inner = null) : base(message, inner) { }
}
