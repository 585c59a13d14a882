using System.Collections.Concurrent;
using Acornima.Ast;
using Jint;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// Parsed scripts, keyed by their exact source text and name, so a warm run of the same script skips the parser. A
/// prepared script is immutable and engine-independent; every run still gets a fresh engine.
/// </summary>
internal sealed class PreparedScripts
{
    private const int MaxEntries = 64;
    private const int MaxCachedSourceChars = 256 * 1024;
    private readonly ConcurrentDictionary<(string Name, string Source), Prepared<Script>> _cache = new();

    /// <summary>Parses <paramref name="source"/> (or finds it parsed); parse errors propagate.</summary>
    internal Prepared<Script> Get(string name, string source)
    {
        if (source.Length > MaxCachedSourceChars)
        {
            return Engine.PrepareScript(source, name);
        }

        if (_cache.TryGetValue((name, source), out Prepared<Script> prepared))
        {
            return prepared;
        }

        prepared = Engine.PrepareScript(source, name);
        if (_cache.Count >= MaxEntries)
        {
            _cache.Clear();
        }

        _cache[(name, source)] = prepared;
        return prepared;
    }
}
