using System.Text;

namespace Cordon.Cli.Commands;

/// <summary>A file only this user can read, in a fresh directory only this user can enter, removed on dispose.</summary>
internal sealed class PrivateTempFile : IDisposable
{
    private readonly string _directory;

    public PrivateTempFile(string contents)
    {
        _directory = Directory.CreateTempSubdirectory("cordon-").FullName;
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Path = System.IO.Path.Combine(_directory, "file");
        using var file = new FileStream(Path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        file.Write(Encoding.UTF8.GetBytes(contents));
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
