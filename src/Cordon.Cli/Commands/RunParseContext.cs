using System.Text;
using Cordon.Backends.Process.CallerIo;
using Cordon.Errors;

namespace Cordon.Cli.Commands;

/// <summary>What <see cref="RunOptionsParser"/> reads from the host: the current directory, the caller's variables and env files.</summary>
internal class RunParseContext
{
    /// <summary>Longest <c>--env-file</c> read.</summary>
    public const int MaxEnvFileBytes = 1024 * 1024;

    /// <summary>This process's real directory, environment and files.</summary>
    public static RunParseContext Host { get; } = new();

    /// <summary>A host path made absolute against the current directory.</summary>
    public virtual string Absolute(string path) => Path.IsPathFullyQualified(path) ? Path.GetFullPath(path) : Path.GetFullPath(path, Environment.CurrentDirectory);

    /// <summary>The caller's value of <paramref name="name"/>, or null when unset.</summary>
    public virtual string? Variable(string name) => Environment.GetEnvironmentVariable(name);

    /// <summary>Reads an env file, opened like <c>--stdin FILE</c> (no symbolic links, a regular file) and bounded.</summary>
    public virtual bool ReadEnvFile(string path, out string text, out string? problem)
    {
        text = "";
        try
        {
            using Microsoft.Win32.SafeHandles.SafeFileHandle handle = SafeInputFile.Open(path, "--env-file", "give a regular file of NAME=VALUE lines");
            long length = RandomAccess.GetLength(handle);
            if (length > MaxEnvFileBytes)
            {
                problem = $"'{path}' is {length} bytes; env files are limited to 1M";
                return false;
            }

            byte[] bytes = new byte[length];
            int read = RandomAccess.Read(handle, bytes, 0);
            text = Encoding.UTF8.GetString(bytes, 0, read);
            problem = null;
            return true;
        }
        catch (SandboxSetupException e)
        {
            problem = e.Message;
            return false;
        }
        catch (IOException e)
        {
            problem = $"cannot read '{path}': {e.Message}";
            return false;
        }
    }
}
