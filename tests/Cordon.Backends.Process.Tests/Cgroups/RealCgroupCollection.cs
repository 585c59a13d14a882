using System.Runtime.Versioning;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>Tests that create cgroups on this host run one at a time, so "the cordon parent is removed" is observable.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
[SupportedOSPlatform("linux")]
public sealed class RealCgroupCollection
{
    public const string Name = "real cgroups";
}
