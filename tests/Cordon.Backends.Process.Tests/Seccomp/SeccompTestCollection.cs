namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>
/// Tests that start processes run one at a time: the notifier test briefly makes a socket inheritable, and a process
/// started meanwhile by another test would carry it into its sandbox.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SeccompTestCollection
{
    public const string Name = "seccomp processes";
}
