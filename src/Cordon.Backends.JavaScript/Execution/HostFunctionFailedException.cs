namespace Cordon.Backends.JavaScript;

/// <summary>A granted host function threw: the run ends trapped (<c>host_function_error</c>), the script cannot catch it.</summary>
internal sealed class HostFunctionFailedException(JavaScriptHostFunction function, Exception error)
    : Exception($"host function {function.Name} failed", error)
{
    internal JavaScriptHostFunction Function { get; } = function;
}
