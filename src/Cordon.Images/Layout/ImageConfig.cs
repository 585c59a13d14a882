using System.Collections.Immutable;
using System.Text.Json;

namespace Cordon.Images.Layout;

/// <summary>
/// What an image's config asks for when it runs. Cordon treats each field as a request: the policy decides
/// (see docs/images.md): the environment only with <c>--image-env</c>, the user only as far as the policy allows.
/// </summary>
public sealed record ImageConfig
{
    /// <summary>The program and its first arguments.</summary>
    public ImmutableArray<string> Entrypoint { get; init; } = [];

    /// <summary>The default arguments (or the program, without an entrypoint).</summary>
    public ImmutableArray<string> Cmd { get; init; } = [];

    /// <summary>NAME=VALUE lines.</summary>
    public ImmutableArray<string> Env { get; init; } = [];

    /// <summary>The working directory, or null.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The user (<c>uid</c>, <c>uid:gid</c> or a name), or null.</summary>
    public string? User { get; init; }

    /// <summary>The ports it says it listens on (<c>8080/tcp</c>).</summary>
    public ImmutableArray<string> ExposedPorts { get; init; } = [];

    /// <summary>The OS and architecture it was built for.</summary>
    public string Platform { get; init; } = "";

    /// <summary>The uncompressed digest of each layer, in order (<c>rootfs.diff_ids</c>).</summary>
    public ImmutableArray<Digest> DiffIds { get; init; } = [];

    /// <summary>The command the image runs when none is given: Entrypoint then Cmd.</summary>
    public ImmutableArray<string> DefaultCommand => [.. Entrypoint, .. Cmd];

    internal static ImageConfig Read(byte[] content, string where)
    {
        using JsonDocument document = Documents.Parse(content, where);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Documents.Corrupt($"{where} is not a JSON object");
        var config = new ImageConfig { Platform = $"{Documents.String(root, "os", where)}/{Documents.String(root, "architecture", where)}" };
        if (root.TryGetProperty("config", out JsonElement run) && run.ValueKind == JsonValueKind.Object)
        {
            config = config with
            {
                Entrypoint = Documents.Strings(run, "Entrypoint", where),
                Cmd = Documents.Strings(run, "Cmd", where),
                Env = Documents.Strings(run, "Env", where),
                WorkingDir = Documents.String(run, "WorkingDir", where) is { Length: > 0 } dir ? dir : null,
                User = Documents.String(run, "User", where) is { Length: > 0 } user ? user : null,
                ExposedPorts = run.TryGetProperty("ExposedPorts", out JsonElement ports) && ports.ValueKind == JsonValueKind.Object
                    ? [.. ports.EnumerateObject().Select(p => p.Name)]
                    : [],
            };
        }

        if (!root.TryGetProperty("rootfs", out JsonElement rootfs) || rootfs.ValueKind != JsonValueKind.Object)
            throw Documents.Corrupt($"{where} has no rootfs section (the layers' diff_ids)");
        var diffIds = ImmutableArray.CreateBuilder<Digest>();
        foreach (string text in Documents.Strings(rootfs, "diff_ids", where))
            diffIds.Add(Digest.TryParse(text) ?? throw Documents.Corrupt($"{where}: diff_id '{text}' is not a sha256 digest"));
        return config with { DiffIds = diffIds.ToImmutable() };
    }
}
