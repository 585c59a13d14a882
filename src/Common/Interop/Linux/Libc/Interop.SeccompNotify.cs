using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>SECCOMP_IOCTL_NOTIF_RECV = _IOWR('!', 0, struct seccomp_notif).</summary>
        internal const nuint SeccompIoctlNotifRecv = 0xC0502100;

        /// <summary>SECCOMP_IOCTL_NOTIF_SEND = _IOWR('!', 1, struct seccomp_notif_resp).</summary>
        internal const nuint SeccompIoctlNotifSend = 0xC0182101;

        /// <summary>SECCOMP_IOCTL_NOTIF_SET_FLAGS = _IOW('!', 4, __u64) (Linux 6.6+); the flags are the argument itself.</summary>
        internal const nuint SeccompIoctlNotifSetFlags = 0x40082104;

        /// <summary>SECCOMP_IOCTL_NOTIF_ID_VALID = _IOW('!', 2, __u64): 0 while the notification's caller is still waiting in it.</summary>
        internal const nuint SeccompIoctlNotifIdValid = 0x40082102;

        /// <summary>SECCOMP_IOCTL_NOTIF_ADDFD = _IOW('!', 3, struct seccomp_notif_addfd) (Linux 5.9+).</summary>
        internal const nuint SeccompIoctlNotifAddFd = 0x40182103;

        /// <summary>SECCOMP_ADDFD_FLAG_SETFD: install at <see cref="SeccompNotificationAddFd.NewFd"/>, replacing what is there (dup2).</summary>
        internal const uint SeccompAddFdFlagSetFd = 1;

        /// <summary>SECCOMP_USER_NOTIF_FLAG_CONTINUE: the call runs in the kernel as the caller made it.</summary>
        internal const uint SeccompUserNotifFlagContinue = 1;

        /// <summary>SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP: the kernel wakes the supervisor and the guest as a synchronous hand-off.</summary>
        internal const ulong SeccompUserNotifFdSyncWakeUp = 1;

        /// <summary><c>struct seccomp_data</c> (64 bytes).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct SeccompData
        {
            internal int Number;
            internal uint Architecture;
            internal ulong InstructionPointer;
            internal fixed ulong Arguments[6];
        }

        /// <summary><c>struct seccomp_notif</c> (80 bytes). The kernel wants it zeroed before each receive.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct SeccompNotification
        {
            internal ulong Id;
            internal uint Pid;
            internal uint Flags;
            internal SeccompData Data;
        }

        /// <summary><c>struct seccomp_notif_resp</c> (24 bytes).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct SeccompNotificationResponse
        {
            internal ulong Id;
            internal long Value;

            /// <summary>Negative errno the call fails with; 0 with <see cref="Flags"/> = 0 would make it "succeed" with <see cref="Value"/>.</summary>
            internal int Error;
            internal uint Flags;
        }

        /// <summary><c>struct seccomp_notif_addfd</c> (24 bytes).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct SeccompNotificationAddFd
        {
            internal ulong Id;
            internal uint Flags;
            internal uint SourceFd;
            internal uint NewFd;
            internal uint NewFdFlags;
        }

        /// <summary>Installs a supervisor descriptor in the waiting caller. The caller's descriptor number, or -1 + errno.</summary>
        internal static unsafe int SeccompNotifyAddFd(SafeHandle listener, SeccompNotificationAddFd* addFd)
            => Ioctl(listener, SeccompIoctlNotifAddFd, addFd);

        /// <summary>Receives one pending notification. 0, or -1 + errno (ENOENT: the caller died before it was received).</summary>
        internal static unsafe int SeccompNotifyReceive(SafeHandle listener, SeccompNotification* notification)
            => Ioctl(listener, SeccompIoctlNotifRecv, notification);

        /// <summary>
        /// Whether notification <paramref name="id"/> is still pending: its caller has not died, so a pid read from it still
        /// names that caller and not a recycled process. 0 when valid, -1 + ENOENT otherwise.
        /// </summary>
        internal static unsafe int SeccompNotifyIdValid(SafeHandle listener, ulong id) => Ioctl(listener, SeccompIoctlNotifIdValid, &id);

        /// <summary>Answers a received notification. 0, or -1 + errno (ENOENT: the caller died or was interrupted meanwhile).</summary>
        internal static unsafe int SeccompNotifySend(SafeHandle listener, SeccompNotificationResponse* response)
            => Ioctl(listener, SeccompIoctlNotifSend, response);

        /// <summary>Sets listener flags. 0, or -1 + errno (EINVAL before Linux 6.6).</summary>
        internal static unsafe int SeccompNotifySetFlags(SafeHandle listener, ulong flags)
            => Ioctl(listener, SeccompIoctlNotifSetFlags, (void*)flags);

        /// <summary><c>poll(2)</c> on one descriptor. The <c>revents</c> (0 on timeout), or -1 + errno.</summary>
        internal static unsafe int PollSingle(SafeHandle handle, short events, int timeoutMilliseconds)
        {
            using var held = new HeldDescriptor(handle);
            PollFd pollFd = new() { Fd = held.Number, Events = events };
            int ready = Poll(&pollFd, 1, timeoutMilliseconds);
            return ready < 0 ? -1 : pollFd.REvents;
        }
    }
}
