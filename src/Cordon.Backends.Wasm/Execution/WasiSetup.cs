using Cordon.Errors;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Cordon.Units;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>Maps the shared policy onto a WASI preview 1 configuration: what a module can reach, and nothing else.</summary>
/// <remarks>
/// Arguments as given (argv[0] is the module's file name, never its host path); environment only the policy's
/// variables; stdin the caller's bytes or empty; stdout and stderr into <see cref="OutputFiles"/> (read into the run's
/// <see cref="StreamCapture"/> on the run's thread), or WASI output callbacks where those are unavailable; files only
/// through directories preopened from the policy's mounts and work directory. No sockets: preview 1 cannot create
/// one and none is preopened. Clocks and random are WASI defaults.
/// </remarks>
internal sealed class WasiSetup : IDisposable
{
    private DirectoryInfo? _temporary;

    private WasiSetup(WasiConfiguration configuration, DirectoryInfo? temporary)
        => (Configuration, _temporary) = (configuration, temporary);

    /// <summary>The configuration to hand to the store.</summary>
    internal WasiConfiguration Configuration { get; }

    /// <summary>Refuses what the wasm tier cannot honour without weakening it. Runs before anything is queued.</summary>
    /// <exception cref="SandboxSetupException">The policy or command asks for something this tier cannot enforce.</exception>
    internal static void Validate(SandboxPolicy policy, SandboxCommand command)
    {
        if (!command.InheritedFiles.IsDefaultOrEmpty)
        {
            throw new SandboxSetupException("wasm-inherited-files", "the wasm tier cannot hand open host descriptors to a module",
                "grant a directory through a mount instead (it becomes a WASI preopen)");
        }

        if (policy.Mounts.FirstOrDefault(m => m.Kind == MountKind.Tmpfs) is { } tmpfs)
        {
            throw new SandboxSetupException("wasm-preopen", $"tmpfs at {tmpfs.GuestPath}: the wasm tier cannot cap the size of a scratch directory",
                "bind a host directory read-write instead, or run the wasm tier inside the process tier (--contain)");
        }
    }

    /// <summary>Builds the configuration; <paramref name="warnings"/> receives every door that stays shut although the policy opened it.</summary>
    internal static WasiSetup Create(SandboxPolicy policy, SandboxCommand command, bool invoking, OutputFiles? outputFiles,
        StreamCapture stdout, StreamCapture stderr, List<string> warnings)
    {
        var config = new WasiConfiguration()
            .WithArgs(invoking ? [Path.GetFileName(command.Program)] : [Path.GetFileName(command.Program), .. command.Arguments]);
        if (outputFiles is not null)
        {
            outputFiles.Attach(config, stdout, stderr);
        }
        else
        {
            // No memfd or /proc here: Wasmtime's output callbacks, which run on a thread of Wasmtime's own.
            config.WithStandardOutputCallback(data => stdout.Write(data)).WithStandardErrorCallback(data => stderr.Write(data));
        }

        foreach ((string name, string value) in policy.Environment)
        {
            config.WithEnvironmentVariable(name, value);
        }

        bool writable = false;
        if (policy.WorkDirectoryHostPath is { } work)
        {
            config.WithPreopenedDirectory(work, SandboxPolicy.WorkDirectoryGuestPath, mutable: true);
            writable = true;
        }

        for (int i = 0; i < policy.Mounts.Length; i++)
        {
            MountSpec mount = policy.Mounts[i];
            bool isDirectory = mount.HostPath is not null && Directory.Exists(mount.HostPath);
            if (mount.Kind is MountKind.ReadOnlyBind or MountKind.ReadWriteBind && isDirectory)
            {
                config.WithPreopenedDirectory(mount.HostPath!, mount.GuestPath, mutable: mount.Kind == MountKind.ReadWriteBind);
                writable |= mount.Kind == MountKind.ReadWriteBind;
            }
            else
            {
                warnings.Add($"mounts[{i}] ({mount.GuestPath}) is a single file; WASI grants directories only, so the module cannot see it");
            }
        }

        DirectoryInfo? temporary = null;
        if (command.StandardInput is { Length: > 0 } input)
        {
            try
            {
                temporary = WriteStandardInput(input.Span);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SandboxSetupException("wasm-stdin", $"cannot write the stdin file under {Path.GetTempPath()}: {e.Message}",
                    "make TMPDIR a writable directory", e);
            }

            config.WithStandardInput(Path.Combine(temporary.FullName, "stdin"));
        }

        else if (command.StandardInputSource is { } source)
        {
            // WASI opens stdin by path. A file: its /proc link reopens exactly the caller's already opened file (never
            // whatever a path names by now). A pipe or terminal (whose link Landlock refuses inside a contained run):
            // streamed to its end into the private stdin file first, 64 KiB at a time, so memory stays flat.
            string link = $"/proc/self/fd/{(int)source.DangerousGetHandle()}";
            // readlink names a file by its path, a pipe as "pipe:[inode]", a socket as "socket:[inode]".
            if (File.ResolveLinkTarget(link, returnFinalTarget: false) is { } target && target.FullName.StartsWith('/') && File.Exists(target.FullName))
            {
                config.WithStandardInput(link);
            }
            else
            {
                try
                {
                    temporary = WriteStandardInput(file =>
                    {
                        using var input = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(source.DangerousGetHandle(), ownsHandle: false), FileAccess.Read, 1);
                        input.CopyTo(file, 64 * 1024);
                    });
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new SandboxSetupException("wasm-stdin", $"cannot copy stdin to a file under {Path.GetTempPath()}: {e.Message}",
                        "make TMPDIR a writable directory with room for the input", e);
                }

                config.WithStandardInput(Path.Combine(temporary.FullName, "stdin"));
            }
        }

        return new WasiSetup(config, temporary);
    }

    /// <summary>Hands the configuration to the store, which opens the preopened directories and the stdin file.</summary>
    /// <exception cref="SandboxSetupException">A directory or the stdin file could not be opened.</exception>
    internal void Apply(Store store)
    {
        try
        {
            store.SetWasiConfiguration(Configuration);
        }
        catch (WasmtimeException e)
        {
            throw new SandboxSetupException("wasm-preopen", $"WASI could not open a preopened directory or stdin: {e.Message}",
                "check that every mounted directory still exists and is readable", e);
        }

        DeleteTemporaryFiles();
    }

    private static DirectoryInfo WriteStandardInput(ReadOnlySpan<byte> input)
    {
        byte[] copy = input.ToArray();
        return WriteStandardInput(file => file.Write(copy));
    }

    private static DirectoryInfo WriteStandardInput(Action<Stream> write)
    {
        // The 50.0.1 .NET API takes stdin only as a file path: a private (0700) directory holding a 0600 file,
        // deleted as soon as the store has opened it (Apply), and in Dispose should the run fail first.
        DirectoryInfo temporary = Directory.CreateTempSubdirectory(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"cordon-wasm-{Environment.ProcessId}-"));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var file = new FileStream(Path.Combine(temporary.FullName, "stdin"), options);
            write(file);
        }
        catch
        {
            temporary.Delete(recursive: true);
            throw;
        }

        return temporary;
    }

    /// <summary>Removes the stdin file once the store holds it open.</summary>
    internal void DeleteTemporaryFiles()
    {
        if (_temporary is { } directory)
        {
            _temporary = null;
            directory.Delete(recursive: true);
        }
    }

    public void Dispose() => DeleteTemporaryFiles();
}
