using System.Text;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>Names Wasmtime trap codes in snake_case, the form used in results and JSON (<c>StackOverflow</c> → <c>stack_overflow</c>).</summary>
internal static class TrapMapping
{
    /// <summary>Trap code when a granted host function threw.</summary>
    internal const string HostFunctionError = "host_function_error";

    /// <summary>Trap code when Wasmtime reported a trap without a code.</summary>
    internal const string Unknown = "unknown";

    internal static string ToSnakeCase(TrapCode code) => ToSnakeCase(code.ToString());

    internal static string ToSnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c))
            {
                bool boundary = i > 0 && (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1])));
                if (boundary)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
