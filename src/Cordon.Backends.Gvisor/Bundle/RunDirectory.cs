using System.Globalization;
using Cordon.Errors;

namespace Cordon.Backends.Gvisor.Bundle;

/// <summary>
/// The host directory one run owns, removed when it ends: <c>$TMPDIR/cordon-gvisor-&lt;euid&gt;/&lt;run id&gt;</c> holding the
/// OCI bundle (config.json, the skeleton root of a host-system run, copied files) and runsc's state root (<c>--root</c>).
/// </summary>
internal sealed class RunDirectory : IDisposable
{
    private RunDirectory(string path)
    {
        Path = path;
        Bundle = System.IO.Path.Combine(path, "bundle");
        State = System.IO.Path.Combine(path, "state");
        Files = System.IO.Path.Combine(path, "files");
    }

    /// <summary>The run's directory.</summary>
    public string Path { get; }

    /// <summary>The OCI bundle (config.json and, for the host system root, rootfs/).</summary>
    public string Bundle { get; }

    /// <summary>runsc's state root: the container's state file lives here while it runs.</summary>
    public string State { get; }

    /// <summary>Private copies of the policy's copied files.</summary>
    public string Files { get; }

    /// <summary>The parent every run of this user shares, 0700.</summary>
    public static string Parent => System.IO.Path.Combine(System.IO.Path.GetTempPath(),
        "cordon-gvisor-" + Interop.Libc.GetEuid().ToString(CultureInfo.InvariantCulture));

    /// <summary>Creates the run's directory (mode 0700) under <see cref="Parent"/>.</summary>
    /// <exception cref="SandboxSetupException">The directory cannot be created.</exception>
    public static RunDirectory Create(string runId)
    {
        try
        {
            string parent = Parent;
            Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var info = new DirectoryInfo(parent);
            if (info.LinkTarget is not null || (info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new SandboxSetupException("gvisor-bundle", $"{parent} is a link or writable by others", $"remove {parent}; Cordon recreates it with mode 0700");
            var run = new RunDirectory(System.IO.Path.Combine(parent, runId));
            Directory.CreateDirectory(run.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // The gofer and the Sentry run as this user; others need to traverse nothing here.
            Directory.CreateDirectory(run.Bundle);
            Directory.CreateDirectory(run.State);
            return run;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxSetupException("gvisor-bundle", $"cannot create the run directory under {Parent}: {e.Message}", "check that TMPDIR is writable");
        }
    }

    /// <summary>Whether the directory is gone.</summary>
    public bool Removed => !Directory.Exists(Path);

    /// <summary>Removes everything (a problem is left in <see cref="CleanupProblem"/>, never thrown).</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CleanupProblem = $"cannot remove {Path}: {e.Message}";
        }
    }

    /// <summary>What could not be removed, or null.</summary>
    public string? CleanupProblem { get; private set; }
}
