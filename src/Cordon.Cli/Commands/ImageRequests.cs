using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Images;
using Cordon.Policy;

namespace Cordon.Cli.Commands;

/// <summary>
/// What <c>cordon run --image</c> takes from the image's config, and only as the policy allows: the root always; the
/// environment only with <c>--image-env</c> and below the policy's own variables; Entrypoint and Cmd only when no
/// PROGRAM is given; WorkingDir only without <c>--chdir</c>; User never beyond the policy's guest uid (1000, or 0 with
/// <c>--guest-root</c>), and never with a capability.
/// </summary>
internal static class ImageRequests
{
    public static PreparedImage? Prepare(string value, bool withEnvironment, SandboxPolicy? basis, SandboxPolicyBuilder builder, List<PolicyError> errors, RunParseContext context)
    {
        ImageReference reference = ImageReference.Parse(value);
        reference = reference with { Path = context.Absolute(reference.Path) };
        if (context.PrepareImage(reference, out string? problem) is not { } image)
        {
            errors.Add(new("--image", problem ?? $"cannot prepare image '{value}'", "--image"));
            return null;
        }

        builder.WithRoot(FilesystemRoot.Image(image.RootfsPath));
        if (!withEnvironment) return image;
        foreach (string entry in image.Config.Env)
        {
            int split = entry.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0) continue; // not NAME=VALUE: nothing to set
            string name = entry[..split];
            if (basis?.Environment.ContainsKey(name) == true) continue; // the policy file's value wins
            builder.SetEnvironment(name, entry[(split + 1)..]);
        }

        return image;
    }

    /// <summary>The command to run: the one given, else the image's Entrypoint and Cmd; and the image's WorkingDir without --chdir.</summary>
    public static ImmutableArray<string> Command(PreparedImage image, ImmutableArray<string> given, RunOptionsParser.ParseState state, List<string> notices, List<PolicyError> errors)
    {
        if (state.WorkingDirectory is null && image.Config.WorkingDir is { } directory)
        {
            if (directory.StartsWith('/') && Directory.Exists(Path.Join(image.RootfsPath, directory))) state.WorkingDirectory = directory;
            else notices.Add($"the image's WorkingDir '{directory}' is not a directory of the image; the guest starts in {SandboxPolicy.WorkDirectoryGuestPath}");
        }

        if (!given.IsEmpty) return given;
        if (image.Config.DefaultCommand.IsEmpty)
        {
            errors.Add(new("PROGRAM", $"no program given, and the image {image.Reference} names none (its config has no Entrypoint or Cmd); write cordon run --image {image.Reference} -- PROGRAM [ARGS...]"));
            return [];
        }

        notices.Add("running the image's command: " + string.Join(' ', image.Config.DefaultCommand));
        return image.Config.DefaultCommand;
    }

    /// <summary>The image's User, as far as the policy grants it: a notice when the guest runs as someone else.</summary>
    public static void User(PreparedImage image, SandboxPolicy policy, List<string> notices)
    {
        if (image.Config.User is not { } user) return;
        string uid = user.Split(':')[0];
        bool root = uid is "0" or "root";
        if (root == policy.GuestIsRoot && (root || uid == "1000")) return;
        notices.Add(root
            ? "the image asks to run as root; the guest runs as uid 1000 (--guest-root makes it uid 0 inside, still without capabilities)"
            : $"the image asks for user '{user}'; Cordon runs the guest as uid {(policy.GuestIsRoot ? 0 : 1000)}, without capabilities");
    }
}
