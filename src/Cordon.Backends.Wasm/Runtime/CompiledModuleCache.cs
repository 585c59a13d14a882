using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Cordon.Output;
using Cordon.Units;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>
/// Compiles modules once: in memory keyed by the SHA-256 of the file's bytes, and optionally on disk keyed by that
/// hash, the engine settings and the Wasmtime version.
/// </summary>
/// <remarks>
/// A disk entry is <c>magic | SHA-256(key) | SHA-256(payload) | payload</c>, where the payload is
/// <see cref="Module.Serialize"/>'s output. Wasmtime deserializes native code without verifying it, so an entry
/// is loaded only when both hashes match; anything else (truncation, bit rot, an entry for another engine) is
/// ignored and rebuilt. Entries are written to a temporary file and renamed into place, so readers never see a
/// partial file.
/// </remarks>
internal sealed class CompiledModuleCache : IDisposable
{
    /// <summary>Largest module file accepted.</summary>
    internal const long MaxModuleBytes = 256 * ByteSize.MiB;

    /// <summary>Compiled modules kept in memory; the least recently used is dropped past this.</summary>
    private const int MaxEntries = 64;

    private static readonly byte[] Magic = "CORDON-CWASM-v1\n"u8.ToArray();
    private static readonly byte[] WasmPreamble = [0x00, 0x61, 0x73, 0x6d];

    private readonly Engine _engine;
    private readonly string _engineKey;
    private readonly string? _directory;
    private readonly ConcurrentDictionary<string, Lazy<ModuleLoad>> _entries = new(StringComparer.Ordinal);
    private long _clock;

    internal CompiledModuleCache(Engine engine, string engineKey, string? directory)
    {
        _engine = engine;
        _engineKey = engineKey;
        (_directory, DirectoryWarning) = PrepareDirectory(directory);
    }

    /// <summary>Why the disk cache is not used although one was asked for; null otherwise.</summary>
    internal string? DirectoryWarning { get; }

    /// <summary>Loads <paramref name="path"/> (binary .wasm or text .wat) through the cache.</summary>
    internal ModuleLoad Load(string path)
    {
        byte[] bytes;
        try
        {
            // Opened once without following links (a guest's work directory may hold the path), never a FIFO or device.
            bytes = Cordon.HostFiles.HostPath.ReadAllBytes(path, "module", MaxModuleBytes);
        }
        catch (Cordon.Errors.SandboxSetupException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"cannot read module {UntrustedText.Quote(path)}: {e.Message}");
        }

        bool isText = IsText(path, bytes);
        if (!isText && !bytes.AsSpan().StartsWith(WasmPreamble))
        {
            // Wasmtime's own answer here is its internal debug dump of the two headers; say what the file is instead.
            string kind = bytes.Length == 0 ? "an empty file" : bytes.AsSpan().StartsWith("\u007fELF"u8) ? "an ELF executable" : bytes.AsSpan().StartsWith("#!"u8) ? "a script" : "neither a binary .wasm nor a .wat text module";
            return Fail($"invalid WebAssembly module {UntrustedText.Quote(Path.GetFileName(path))}: it is not a WebAssembly module but {kind}; the wasm tier runs .wasm and .wat modules, and native programs run in the process tier (drop --tier wasm)");
        }

        string hash = ContentHash(isText, bytes);
        Lazy<ModuleLoad> lazy = _entries.GetOrAdd(hash, h => new Lazy<ModuleLoad>(() => Compile(h, Path.GetFileName(path), isText, bytes)));
        ModuleLoad load = lazy.Value;
        if (load.Module is { } module)
        {
            module.LastUsed = Interlocked.Increment(ref _clock);
            if (_entries.Count > MaxEntries)
            {
                EvictLeastRecentlyUsed(hash);
            }
        }

        return load;
    }

    public void Dispose()
    {
        foreach (Lazy<ModuleLoad> entry in _entries.Values)
        {
            if (entry.IsValueCreated)
            {
                entry.Value.Module?.Module.Dispose();
            }
        }

        _entries.Clear();
    }

    private static ModuleLoad Fail(string problem) => new(null, problem);

    /// <summary>Binary when it starts with the wasm preamble; text when named .wat or when it starts like an s-expression.</summary>
    private static bool IsText(string path, byte[] bytes)
    {
        if (bytes.AsSpan().StartsWith(WasmPreamble))
        {
            return false;
        }

        if (path.EndsWith(".wat", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        int i = bytes.AsSpan().IndexOfAnyExcept(" \t\r\n"u8);
        return i >= 0 && bytes[i] is (byte)'(' or (byte)';';
    }

    private static string ContentHash(bool isText, byte[] bytes)
    {
        // One-shot over the tag and the bytes: the same digest as hashing them in turn, without setting up an
        // incremental hash context on every run (tens of microseconds, more than a small module's whole run).
        ReadOnlySpan<byte> tag = isText ? "wat\0"u8 : "wasm\0"u8;
        byte[] input = new byte[tag.Length + bytes.Length];
        tag.CopyTo(input);
        bytes.CopyTo(input.AsSpan(tag.Length));
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    private static (string? Directory, string? Warning) PrepareDirectory(string? directory)
    {
        if (directory is null)
        {
            return (null, null);
        }

        try
        {
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            else if (!OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(directory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                return (null, $"module cache {directory} is writable by other users, so its compiled code cannot be trusted; not used (fix: chmod go-w, or choose a private directory)");
            }

            return (directory, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"module cache {directory} cannot be created ({e.Message}); compiled modules are kept in memory only");
        }
    }

    private ModuleLoad Compile(string hash, string name, bool isText, byte[] bytes)
    {
        string? cachePath = _directory is null ? null : Path.Combine(_directory, $"{hash}-{KeyHash()[..16]}.cwasm");
        if (cachePath is not null && TryReadDisk(cachePath, hash, name) is { } cached)
        {
            return new ModuleLoad(new LoadedModule(cached, hash), null);
        }

        Module module;
        try
        {
            module = isText
                ? Module.FromText(_engine, name, Encoding.UTF8.GetString(bytes))
                : Module.FromBytes(_engine, name, bytes);
        }
        catch (WasmtimeException e)
        {
            // FromBytes says only "is not valid"; Validate names the defect and its offset.
            string? reason = isText ? FirstLines(e.Message) : Module.Validate(_engine, bytes) ?? FirstLines(e.Message);
            string what = isText ? "invalid WebAssembly text" : "invalid WebAssembly module";
            return Fail($"{what} {UntrustedText.Quote(name)}: {UntrustedText.Fragment(reason)}");
        }

        var loaded = new LoadedModule(module, hash);
        if (cachePath is not null)
        {
            loaded.PendingWarning = TryWriteDisk(cachePath, hash, module);
        }

        return new ModuleLoad(loaded, null);
    }

    private static string FirstLines(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join("; ", lines.Take(4));
    }

    private string KeyHash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_engineKey)));

    private byte[] EntryKey(string hash) => SHA256.HashData(Encoding.UTF8.GetBytes($"{hash}\n{_engineKey}"));

    private Module? TryReadDisk(string path, string hash, string name)
    {
        try
        {
            byte[] file = File.ReadAllBytes(path);
            int header = Magic.Length + 32 + 32;
            if (file.Length <= header || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic)
                || !file.AsSpan(Magic.Length, 32).SequenceEqual(EntryKey(hash)))
            {
                return null;
            }

            ReadOnlySpan<byte> payload = file.AsSpan(header);
            if (!file.AsSpan(Magic.Length + 32, 32).SequenceEqual(SHA256.HashData(payload)))
            {
                return null;
            }

            return Module.Deserialize(_engine, name, payload);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WasmtimeException)
        {
            // Missing, unreadable or rejected by Wasmtime (another engine configuration): rebuild.
            return null;
        }
    }

    private string? TryWriteDisk(string path, string hash, Module module)
    {
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            byte[] payload = module.Serialize();
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Magic);
                stream.Write(EntryKey(hash));
                stream.Write(SHA256.HashData(payload));
                stream.Write(payload);
            }

            File.Move(temp, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WasmtimeException)
        {
            File.Delete(temp);
            return $"could not store the compiled module in {Path.GetDirectoryName(path)}: {e.Message}";
        }
    }

    private void EvictLeastRecentlyUsed(string keep)
    {
        // Evicted modules are not disposed: a run on another thread may still hold them; the finalizer frees them.
        string? oldest = null;
        long oldestStamp = long.MaxValue;
        foreach ((string key, Lazy<ModuleLoad> entry) in _entries)
        {
            long stamp = entry.IsValueCreated ? entry.Value.Module?.LastUsed ?? 0 : long.MaxValue;
            if (key != keep && stamp < oldestStamp)
            {
                (oldest, oldestStamp) = (key, stamp);
            }
        }

        if (oldest is not null)
        {
            _entries.TryRemove(oldest, out _);
        }
    }
}
