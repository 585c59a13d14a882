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
    /// <param name="write">The write end.</param>
    /// <param name="contents">What to write.</param>
    /// <param name="readerMayBeGone">The reader is a spawned process that may already have failed: stop quietly, its own report says why.</param>
    public static void Fill(SafeFileHandle write, ReadOnlySpan<byte> contents, bool readerMayBeGone = false)
    {
        using (write)
        {
            if (contents.Length > 60 * 1024) throw new SandboxSetupException("pipe", "internal: pipe contents larger than the pipe buffer");
            while (!contents.IsEmpty)
            {
                int n = Interop.FileDescriptors.WriteAvailable(write, contents);
                if (n < 0 && readerMayBeGone) return;
                if (n <= 0) throw new SandboxSetupException("pipe", "cannot fill a setup pipe");
                contents = contents[n..];
            }
        }
    }

    /// <summary>Opens the host file of a <see cref="Cordon.Policy.MountKind.CopiedFile"/> mount, whose current contents bwrap copies in.</summary>
    public SafeFileHandle OpenCopiedFile(Cordon.Policy.MountSpec copied)
        => Add(HostFiles.HostPath.OpenFile(copied.HostPath!, $"--file {copied.GuestPath}", ProcessSandbox.MaxCopiedFileBytes).Handle);

    /// <summary>Opens a granted bind's source as an <c>O_PATH</c> descriptor, without following links.</summary>
    public HostFiles.OpenedHostPath OpenBindSource(Bubblewrap.GrantedBind bind)
    {
        string purpose = bind.FromImage ? $"the image root's {bind.GuestPath}"
            : bind.GuestPath == Cordon.Policy.SandboxPolicy.WorkDirectoryGuestPath && bind.Writable ? "workdir"
            : $"{(bind.Writable ? "--rw" : "--ro")} {bind.GuestPath}";
        HostFiles.OpenedHostPath opened = HostFiles.HostPath.OpenForBinding(bind.HostPath, purpose);
        Add(opened.Handle);
        return opened;
    }

    /// <summary>A sealed memfd holding <paramref name="contents"/>, read from offset 0 by whoever gets the descriptor.</summary>
    public SafeFileHandle SealedFile(string name, ReadOnlySpan<byte> contents)
    {
        SafeFileHandle memfd = Interop.Libc.MemfdCreate(name, Interop.Libc.MfdCloexec | Interop.Libc.MfdAllowSealing);
        if (memfd.IsInvalid)
        {
            memfd.Dispose();
            throw Interop.Errno.Setup("memfd", "cannot create a memfd for bwrap's arguments");
        }

        Add(memfd);
        // pwrite: the file offset stays at 0 for the reader.
        RandomAccess.Write(memfd, contents, 0);
        if (Interop.Libc.AddSeals(memfd, Interop.Libc.FSealWrite | Interop.Libc.FSealGrow | Interop.Libc.FSealShrink | Interop.Libc.FSealSeal) != 0)
            throw Interop.Errno.Setup("memfd", "cannot seal bwrap's arguments");
        return memfd;
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
