using Cordon.Diagnostics;
namespace Cordon.Backends.Process.Diagnostics;

/// <summary>
/// Isolation tiers not built yet, each a doctor row that says what it would need. A microVM tier (Firecracker or
/// cloud-hypervisor with a guest kernel) needs a usable /dev/kvm: the device, and the CPU's virtualisation extensions.
/// </summary>
internal static class TierToolsCheck
{
    public static HostCheck MicroVm() => MicroVm(File.Exists("/dev/kvm") || Directory.Exists("/dev/kvm") ? "/dev/kvm" : null, CpuFlags());

    /// <summary>The row for a host whose KVM device is <paramref name="kvmDevice"/> (null: absent) and whose CPU flags are <paramref name="cpuFlags"/>.</summary>
    internal static HostCheck MicroVm(string? kvmDevice, IReadOnlySet<string> cpuFlags)
    {
        const string Layer = "microvm tier (planned)";
        bool extensions = cpuFlags.Contains("vmx") || cpuFlags.Contains("svm");
        string detail = (kvmDevice, extensions) switch
        {
            (null, _) => "not built; it needs /dev/kvm, which this host lacks",
            (_, false) => "not built; it needs a usable /dev/kvm: the device is present but the CPU advertises no vmx/svm (nested virtualisation is off), so no hardware-backed VM can run here",
            _ => "not built; /dev/kvm and the CPU's virtualisation extensions are present, so a microVM tier could run here",
        };
        return new HostCheck(Layer, LayerStatus.Info, detail, null, Required: false);
    }

    private static HashSet<string> CpuFlags()
    {
        try
        {
            string line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? [] : [.. line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
