namespace Cordon.Backends.Process.Pool;

/// <summary>
/// A work directory made for one run and removed after it: created by <c>mkdtemp</c> (a new name, never an existing
/// directory, mode 0700, owned by this process's user), named like the process tier's other temporary directories so
/// that a sweep after this process dies (SIGKILL) removes it. Never handed to a second run.
/// </summary>
internal sealed class PrivateWorkDirectory : IDisposable
{
    private int _disposed;

    private PrivateWorkDirectory(string path) => Path = path;

    /// <summary>The directory's host path.</summary>
    public string Path { get; }

    /// <summary>Why the directory could not be removed, or null.</summary>
    public string? RemovalProblem { get; private set; }

    public static PrivateWorkDirectory Create() => new(Directory.CreateTempSubdirectory($"cordon-warm-{Environment.ProcessId}-").FullName);

    /// <summary>Removes the directory and everything in it (links are removed, never followed).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemovalProblem = $"could not remove the work directory {Path}: {e.Message}";
        }
    }
}
