using Cordon.Errors;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Supervision;

/// <summary>Owns every descriptor and object one run creates, so all of them are released on every path.</summary>
internal sealed class RunResources : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public T Add<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public (SafeFileHandle Read, SafeFileHandle Write) Pipe(bool nonBlockingRead = true)
    {
        var pipe = Interop.FileDescriptors.CreatePipe(nonBlockingRead);
        Add(pipe.Read);
        Add(pipe.Write);
        return pipe;
    }

    /// <summary>A pipe pre-filled with <paramref name="contents"/> (which must fit the 64 KiB pipe buffer) and closed for writing.</summary>
    public SafeFileHandle PipeWithContents(ReadOnlySpan<byte> contents)
    {
        var (read, write) = Interop.FileDescriptors.CreatePipe(nonBlockingRead: false);
        Add(read);
        Fill(write, contents);
        return read;
    }

    /// <summary>Writes <paramref name="contents"/> (at most 60 KiB, so it fits the pipe buffer and never blocks) and closes <paramref name="write"/>.</summary>
    public static void Fill(SafeFileHandle write, ReadOnlySpan<byte> contents)
    {
        using (write)
        {
            if (contents.Length > 60 * 1024) throw new SandboxSetupException("pipe", "internal: pipe contents larger than the pipe buffer");
            while (!contents.IsEmpty)
            {
                int n = Interop.FileDescriptors.WriteAvailable(write, contents);
                if (n <= 0) throw new SandboxSetupException("pipe", "cannot fill a setup pipe");
                contents = contents[n..];
            }
        }
    }

    /// <summary>Opens a host file whose current contents bwrap copies in (<c>--ro-bind-data</c>).</summary>
    public SafeFileHandle OpenCopiedFile(string hostPath)
    {
        try
        {
            SafeFileHandle handle = File.OpenHandle(hostPath, FileMode.Open, FileAccess.Read);
            long length = RandomAccess.GetLength(handle);
            if (length > ProcessSandbox.MaxCopiedFileBytes)
            {
                handle.Dispose();
                throw new SandboxSetupException("copy-file", $"'{hostPath}' is {length} bytes; copied files are limited to 64M", "bind it read-only instead");
            }

            return Add(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxSetupException("copy-file", $"cannot open '{hostPath}': {e.Message}", "check the path and its permissions", e);
        }
    }

    /// <summary>Closes the supervisor's copies of descriptors that now belong to the spawned chain (so EOF means the guest side is gone).</summary>
    public void CloseChildEnds(params SafeFileHandle[] handles)
    {
        foreach (SafeFileHandle handle in handles) handle.Dispose();
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
    }
}
