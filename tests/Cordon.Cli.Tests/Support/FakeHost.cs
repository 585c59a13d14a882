using Cordon.Cli.Commands;

namespace Cordon.Cli.Tests.Support;

/// <summary>A parse context with a fixed directory, environment and env files, so parsing tests do not depend on the machine.</summary>
internal sealed class FakeHost : RunParseContext
{
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> EnvFiles { get; } = new(StringComparer.Ordinal);

    public override string Absolute(string path) => path.StartsWith('/') ? path : "/home/user/" + path;

    public override string? Variable(string name) => Variables.GetValueOrDefault(name);

    public override bool ReadEnvFile(string path, out string text, out string? problem)
    {
        if (EnvFiles.TryGetValue(path, out string? contents))
        {
            (text, problem) = (contents, null);
            return true;
        }

        (text, problem) = ("", $"'{path}' does not exist");
        return false;
    }
}
