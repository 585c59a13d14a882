using System.Collections.Immutable;
using System.Text.Json;
using Cordon.Images;
using Cordon.Images.Audit;
using Cordon.Output;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon audit --image PATH[:TAG]</c>: what an image brings that the policy must account for.</summary>
internal static class ImageAuditCommand
{
    public const string Usage = """
        usage: cordon audit --image PATH[:TAG] [--json]

        Reads the image (every blob verified, nothing unpacked or run) and lists what it brings that a policy must
        account for: setuid/setgid files, world-writable directories, device nodes, a command or ports that need the
        network, secret-looking variables in its config, a root user. Each line says what Cordon does about it.
        Exit codes: 0 audited, 125 usage error or a missing or corrupt image.
        """;

    public static int Execute(IReadOnlyList<string> args)
    {
        bool json = false;
        string? image = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    Console.Out.WriteLine(Usage);
                    return 0;
                case "--json": json = true; break;
                case "--image" when i + 1 < args.Count && image is null: image = args[++i]; break;
                default:
                    Cli.Error($"unexpected argument '{args[i]}'\n{Usage}");
                    return ExitCodes.Usage;
            }
        }

        if (image is null)
        {
            Cli.Error("--image needs PATH[:TAG]\n" + Usage);
            return ExitCodes.Usage;
        }

        ImageReference reference = ImageReference.Parse(image);
        reference = reference with { Path = RunParseContext.Host.Absolute(reference.Path) };
        ImmutableArray<ImageFinding> findings;
        try
        {
            findings = ImageAudit.Run(reference);
        }
        catch (ImageException e)
        {
            Cli.Error($"{e.Message} (fix: {e.Fix})");
            return ExitCodes.CordonFailed;
        }

        if (json) WriteJson(reference, findings);
        else WriteText(reference, findings);
        return 0;
    }

    private static void WriteText(ImageReference reference, ImmutableArray<ImageFinding> findings)
    {
        TextWriter o = Console.Out;
        o.WriteLine($"cordon audit: image {Safe(reference.ToString())}");
        if (findings.IsEmpty) o.WriteLine("nothing to account for");
        foreach (var group in findings.GroupBy(f => f.Kind))
        {
            o.WriteLine();
            o.WriteLine($"{Title(group.Key)} ({group.Count()})");
            foreach (ImageFinding f in group) o.WriteLine($"  {Safe(f.Subject)}{(f.Layer is { } l ? $" (layer {l})" : "")}: {Safe(f.Detail)}");
        }
    }

    private static void WriteJson(ImageReference reference, ImmutableArray<ImageFinding> findings)
    {
        Cli.WriteJsonDocument(json =>
        {
            json.WriteStartObject();
            json.WriteString("image", reference.ToString());
            json.WriteStartArray("findings");
            foreach (ImageFinding f in findings)
            {
                json.WriteStartObject();
                json.WriteString("kind", Id(f.Kind));
                json.WriteString("subject", f.Subject);
                json.WriteString("detail", f.Detail);
                if (f.Layer is { } layer) json.WriteNumber("layer", layer);
                else json.WriteNull("layer");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static string Title(ImageFindingKind kind) => kind switch
    {
        ImageFindingKind.SetIdFile => "setuid/setgid files",
        ImageFindingKind.WorldWritableDirectory => "world-writable directories",
        ImageFindingKind.DeviceNode => "device nodes and FIFOs",
        ImageFindingKind.NeedsNetwork => "needs the network",
        ImageFindingKind.SecretEnvironment => "secret-looking variables",
        _ => "user",
    };

    private static string Id(ImageFindingKind kind) => kind switch
    {
        ImageFindingKind.SetIdFile => "setid_file",
        ImageFindingKind.WorldWritableDirectory => "world_writable_directory",
        ImageFindingKind.DeviceNode => "device_node",
        ImageFindingKind.NeedsNetwork => "needs_network",
        ImageFindingKind.SecretEnvironment => "secret_environment",
        _ => "runs_as_root",
    };

    /// <summary>Image paths and config strings are untrusted: never let their control characters reach a terminal raw.</summary>
    private static string Safe(string text) => UntrustedText.ForTerminal(text);
}
