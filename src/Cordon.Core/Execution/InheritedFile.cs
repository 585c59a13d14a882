using Microsoft.Win32.SafeHandles;

namespace Cordon.Execution;

/// <summary>An open host file handed to the guest as descriptor <paramref name="GuestFd"/>: the guest can use it but cannot name its path.</summary>
/// <param name="Handle">The open host file; Cordon duplicates it and never closes the caller's handle.</param>
/// <param name="GuestFd">The descriptor number the guest sees (3 to 254).</param>
public sealed record InheritedFile(SafeFileHandle Handle, int GuestFd);
