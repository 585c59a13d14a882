using Cordon.Output;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>Checks, before instantiation, that every import of a module is granted, and names every one that is not.</summary>
internal static class ImportCheck
{
    /// <summary>Checks <paramref name="module"/> against what <paramref name="linker"/> defines.</summary>
    internal static ImportCheckResult Check(Module module, Linker linker, Store store, WasmBackendOptions options)
    {
        List<string> missing = [];
        List<string> mismatched = [];
        foreach (Import import in module.Imports)
        {
            string name = $"{UntrustedText.Fragment(import.ModuleName)}::{UntrustedText.Fragment(import.Name)}";
            if (import is not FunctionImport wanted)
            {
                missing.Add($"{name} ({KindOf(import)}; the wasm tier grants functions only)");
                continue;
            }

            Function? granted = linker.GetFunction(store, import.ModuleName, import.Name);
            if (granted is null)
            {
                missing.Add($"{name} (function {Signature(wanted.Parameters, wanted.Results)})");
            }
            else if (!granted.Parameters.SequenceEqual(wanted.Parameters) || !granted.Results.SequenceEqual(wanted.Results))
            {
                mismatched.Add($"{name} is imported as {Signature(wanted.Parameters, wanted.Results)} but granted as {Signature(granted.Parameters, granted.Results)}");
            }
        }

        if (missing.Count == 0 && mismatched.Count == 0)
        {
            return new ImportCheckResult(null);
        }

        List<string> parts = [];
        if (missing.Count > 0)
        {
            string noun = missing.Count == 1 ? "an import" : $"{missing.Count} imports";
            parts.Add($"module needs {noun} this sandbox does not grant: {string.Join(", ", missing)}");
        }

        if (mismatched.Count > 0)
        {
            parts.Add($"wrong import types: {string.Join(", ", mismatched)}");
        }

        parts.Add($"granted: {Granted(options)}");
        return new ImportCheckResult(string.Join("; ", parts));
    }

    /// <summary>What this backend links, for messages.</summary>
    internal static string Granted(WasmBackendOptions options)
    {
        List<string> granted = [];
        if (options.IsWasiEnabled)
        {
            granted.Add("WASI preview 1 (wasi_snapshot_preview1::*)");
        }

        granted.AddRange(options.HostFunctions.Select(f => f.ToString()));
        return granted.Count == 0 ? "nothing" : string.Join(", ", granted);
    }

    internal static string Signature(IEnumerable<ValueKind> parameters, IEnumerable<ValueKind> results)
    {
        string r = string.Join(", ", results.Select(Name));
        return $"({string.Join(", ", parameters.Select(Name))}) -> {(r.Length == 0 ? "()" : r)}";
    }

    internal static string Name(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => "i32",
        ValueKind.Int64 => "i64",
        ValueKind.Float32 => "f32",
        ValueKind.Float64 => "f64",
        ValueKind.V128 => "v128",
        ValueKind.FuncRef => "funcref",
        ValueKind.ExternRef => "externref",
        ValueKind.AnyRef => "anyref",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string KindOf(Import import) => import switch
    {
        MemoryImport => "memory",
        TableImport => "table",
        GlobalImport => "global",
        _ => "tag",
    };
}
