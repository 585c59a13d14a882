using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>A compiled module in the cache, with the import check done once per backend.</summary>
internal sealed class LoadedModule(Module module, string contentHash)
{
    /// <summary>The compiled module (shared by every run; Wasmtime modules are thread-safe).</summary>
    internal Module Module { get; } = module;

    /// <summary>Lower-case hex SHA-256 of the kind tag and the file's bytes.</summary>
    internal string ContentHash { get; } = contentHash;

    /// <summary>Set once the module's imports were checked against the backend's grants: null when all are granted.</summary>
    internal ImportCheckResult? ImportCheck { get; set; }

    /// <summary>Set once the entry point (<c>_start</c>, or the invoked export) was looked up: null problem when it exists.</summary>
    internal EntryCheckResult? EntryCheck { get; set; }

    /// <summary>A warning from compiling (the disk cache could not be written), reported by the first run only.</summary>
    internal string? PendingWarning;

    /// <summary>Monotonic stamp of the last use, for eviction.</summary>
    internal long LastUsed;
}

/// <summary>Outcome of checking a module's imports against what the backend links.</summary>
/// <param name="Problem">Why the module cannot be instantiated, naming every missing import; null when all are granted.</param>
internal sealed record ImportCheckResult(string? Problem);

/// <summary>Outcome of looking up the entry point among the module's exports.</summary>
/// <param name="Problem">Why the entry point cannot be called, naming the exports there are; null when it exists.</param>
internal sealed record EntryCheckResult(string? Problem);

/// <summary>Either a compiled module or why there is none.</summary>
internal readonly record struct ModuleLoad(LoadedModule? Module, string? Problem);
