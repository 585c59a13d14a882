namespace Cordon.Images.Tests.Support;

/// <summary>A private temporary directory, removed (made writable first) when disposed.</summary>
internal sealed class Scratch : IDisposable
{
    public Scratch()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cordon-images-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Cache => System.IO.Path.Combine(Path, "cache", "cordon", "images");

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose() => Remove(Path);

    public static void Remove(string path)
    {
        if (!Directory.Exists(path) || new DirectoryInfo(path).LinkTarget is not null) { if (File.Exists(path) || new FileInfo(path).LinkTarget is not null) File.Delete(path); return; }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string child in Directory.EnumerateFileSystemEntries(path)) Remove(child);
        Directory.Delete(path);
    }
}
