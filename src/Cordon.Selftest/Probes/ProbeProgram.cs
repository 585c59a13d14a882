using System.Collections.Immutable;
using Cordon.Execution;

namespace Cordon.Selftest.Probes;

/// <summary>How a probe is written; decides how it is started inside the sandbox.</summary>
internal enum ProbeLanguage
{
    /// <summary>A C program compiled at build time (probes/c, built into probes/bin).</summary>
    C,

    /// <summary>A python3 script (probes/py).</summary>
    Python,

    /// <summary>A POSIX shell script (probes/sh).</summary>
    Shell,
}

/// <summary>One probe program and its arguments after the nonce.</summary>
internal sealed record ProbeProgram(ProbeLanguage Language, string Name, ImmutableArray<string> Arguments)
{
    /// <summary>Where the probes directory appears inside every probe's sandbox (bound read-only).</summary>
    public const string GuestDirectory = "/opt/cordon-probes";

    /// <summary>The file of this probe relative to the probes directory.</summary>
    public string RelativePath => Language switch
    {
        ProbeLanguage.C => $"bin/{Name}",
        ProbeLanguage.Python => $"py/{Name}.py",
        _ => $"sh/{Name}.sh",
    };

    /// <summary>The command that runs the probe, nonce first.</summary>
    public SandboxCommand ToCommand(string nonce, OutputObserver? observer)
    {
        string file = $"{GuestDirectory}/{RelativePath}";
        (string program, string[] prefix) = Language switch
        {
            ProbeLanguage.C => (file, Array.Empty<string>()),
            ProbeLanguage.Python => ("python3", new[] { "-B", file }),
            _ => ("/bin/sh", new[] { file }),
        };
        return new SandboxCommand(program, [.. prefix, nonce, .. Arguments]) { OnOutput = observer };
    }

    public override string ToString() => RelativePath + (Arguments.IsEmpty ? "" : " " + string.Join(' ', Arguments));
}
