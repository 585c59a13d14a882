using System.Collections.Immutable;
using System.Formats.Tar;
using System.Text.RegularExpressions;
using Cordon.Images.Layers;
using Cordon.Images.Layout;

namespace Cordon.Images.Audit;

/// <summary>
/// Lists what an image brings that a policy must account for, from its verified layers (read, not unpacked) and its
/// config. Per layer, before whiteouts: a file a later layer deletes is still reported, since it is in the blobs.
/// </summary>
public static partial class ImageAudit
{
    private const int SetIdBits = 0b110_000_000_000;
    private const int OtherWrite = 0b000_000_010;
    private const int Sticky = 0b001_000_000_000;

    /// <summary>Tools and words in a command that reach the network.</summary>
    private static readonly string[] NetworkWords = ["curl", "wget", "nc", "ncat", "ssh", "scp", "rsync", "git", "apt-get", "apt", "apk", "yum", "dnf", "pip", "pip3", "npm", "yarn", "gem", "go get", "http://", "https://", "--listen", "0.0.0.0"];

    [GeneratedRegex("(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|ghp_[A-Za-z0-9]{30,}|xox[abp]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9]{20,})")]
    private static partial Regex SecretValue();

    /// <summary>Audits <paramref name="reference"/>; every blob is verified as it is read.</summary>
    public static ImmutableArray<ImageFinding> Run(ImageReference reference, UnpackLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        limits ??= UnpackLimits.Default;
        using LayoutSource source = LayoutSource.Open(reference.Path, limits);
        ImageManifest image = ImageManifest.Read(source, reference.Tag, limits);
        List<ImageFinding> findings = [];
        var budget = new UnpackBudget(limits);
        for (int i = 0; i < image.Layers.Length; i++)
        {
            string where = $"{reference}: layer {i} ({image.Layers[i].Digest})";
            using var stream = new LayerStream(source, image.Layers[i], image.Config.DiffIds[i], budget, where);
            using (var reader = new TarReader(stream, leaveOpen: true))
            {
                while (Next(reader, where) is { } entry)
                {
                    budget.AddEntry(where);
                    Inspect(entry, i, findings);
                }
            }

            stream.Finish();
        }

        Inspect(image.Config, findings);
        return [.. findings];
    }

    private static TarEntry? Next(TarReader reader, string where)
    {
        try
        {
            return reader.GetNextEntry(copyData: false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or NotSupportedException or ArgumentException)
        {
            throw new ImageException(ImageErrorKind.Corrupt, $"{where} is not a readable tar: {e.Message}", "the layer is damaged, or uses a tar feature Cordon refuses (cordon run reports which)", e);
        }
    }

    private static void Inspect(TarEntry entry, int layer, List<ImageFinding> findings)
    {
        string path = "/" + entry.Name.TrimStart('.', '/').TrimEnd('/');
        int mode = (int)entry.Mode;
        switch (entry.EntryType)
        {
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                findings.Add(new(ImageFindingKind.DeviceNode, path, entry is PosixTarEntry p ? $"{entry.EntryType} {p.DeviceMajor}:{p.DeviceMinor}; not created: the guest gets Cordon's own /dev" : $"{entry.EntryType}; not created: the guest gets Cordon's own /dev", layer));
                return;
            case TarEntryType.Directory when (mode & OtherWrite) != 0:
                findings.Add(new(ImageFindingKind.WorldWritableDirectory, path, (mode & Sticky) != 0
                    ? "world-writable with the sticky bit; read-only in Cordon (the image's directories are never writable)"
                    : "world-writable without the sticky bit; read-only in Cordon (the image's directories are never writable)", layer));
                return;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile when (mode & SetIdBits) != 0:
                findings.Add(new(ImageFindingKind.SetIdFile, path, $"{((mode & 0b100_000_000_000) != 0 ? "setuid" : "setgid")} (mode {Convert.ToString(mode & 0xFFF, 8)}); the bit is removed when Cordon unpacks, and no_new_privs would ignore it anyway", layer));
                return;
        }
    }

    private static void Inspect(ImageConfig config, List<ImageFinding> findings)
    {
        string command = string.Join(' ', config.DefaultCommand);
        string[] words = command.Split([' ', '\t', ';', '&', '|', '/', '"', '\''], StringSplitOptions.RemoveEmptyEntries);
        foreach (string word in NetworkWords.Where(w => w.Contains('/') || w.Contains(' ') || w.Contains('-') || w.Contains('.') ? command.Contains(w, StringComparison.Ordinal) : words.Contains(w)))
            findings.Add(new(ImageFindingKind.NeedsNetwork, command, $"its command uses '{word}', which reaches the network; Cordon gives none unless the policy says so (--net, --allow-net, --allow-host)"));
        foreach (string port in config.ExposedPorts)
            findings.Add(new(ImageFindingKind.NeedsNetwork, port, "the image says it listens on this port; a guest without --net loopback or host cannot be reached"));
        foreach (string entry in config.Env)
        {
            int split = entry.IndexOf('=', StringComparison.Ordinal);
            string name = split > 0 ? entry[..split] : entry, value = split > 0 ? entry[(split + 1)..] : "";
            if (value.Length > 0 && (SecretName().IsMatch(name) || SecretValue().IsMatch(value)))
                findings.Add(new(ImageFindingKind.SecretEnvironment, name, "looks like a secret baked into the image's config (anyone with the image can read it); Cordon passes it to the guest only with --image-env"));
        }

        if (config.User is { } user && user.Split(':')[0] is "0" or "root")
            findings.Add(new(ImageFindingKind.RunsAsRoot, user, "the image asks to run as root; Cordon runs it as uid 1000 unless the policy says guest_root, and never with a capability"));
        else if (config.User is null)
            findings.Add(new(ImageFindingKind.RunsAsRoot, "(none)", "the image names no user, which means root to a container runtime; Cordon runs it as uid 1000 unless the policy says guest_root"));
    }
}
