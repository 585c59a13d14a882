using System.Text;
using Cordon.Errors;

namespace Cordon.Cli.Commands;

/// <summary>What <see cref="RunOptionsParser"/> reads from the host: the current directory, the caller's variables and env files.</summary>
internal class RunParseContext
{
    /// <summary>Longest <c>--env-file</c> read.</summary>
    public const int MaxEnvFileBytes = 1024 * 1024;

    /// <summary>This process's real directory, environment and files.</summary>
    public static RunParseContext Host { get; } = new();

    /// <summary>The options (and through them the tiers) the command line is parsed against.</summary>
    public virtual RunOptionTable Table => RunOptionTable.Default;

    /// <summary>A host path made absolute against the current directory.</summary>
    public virtual string Absolute(string path) => Path.IsPathFullyQualified(path) ? Path.GetFullPath(path) : Path.GetFullPath(path, Environment.CurrentDirectory);

    /// <summary>
    /// <c>--image</c>: the image's merged root, verified and unpacked into the user's image cache (once per chain id), or
    /// an error in <paramref name="problem"/>: what is wrong with the image and how to fix it.
    /// </summary>
    public virtual Images.PreparedImage? PrepareImage(Images.ImageReference reference, out string? problem)
    {
        problem = null;
        if (Images.ImageStore.DefaultCacheDirectory() is not { } cache)
        {
            problem = "no image cache: neither XDG_CACHE_HOME nor HOME is an absolute path; set one of them";
            return null;
        }

        try
        {
            return new Images.ImageStore(cache).Prepare(reference);
        }
        catch (Images.ImageException e)
        {
            problem = $"{e.Message} (fix: {e.Fix})";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot prepare image '{reference}': {e.Message}";
            return null;
        }
    }

    /// <summary>The caller's value of <paramref name="name"/>, or null when unset.</summary>
    public virtual string? Variable(string name) => Environment.GetEnvironmentVariable(name);

    /// <summary>Reads an env file, opened like every caller-named path (no symbolic links, a regular file) and bounded.</summary>
    public virtual bool ReadEnvFile(string path, out string text, out string? problem)
    {
        text = "";
        try
        {
            text = Encoding.UTF8.GetString(HostFiles.HostPath.ReadAllBytes(path, "--env-file", MaxEnvFileBytes));
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
