"""The probe of examples/blocklist-lesson.sh: tries three doors nobody thought to close.

Usage (inside a sandbox): python3 /probe.py SECRET_PATH
Prints one line per door: DEFEATED (the door was open) or stopped (with the kernel's answer).
"""
import ctypes
import errno
import os
import sys

secret = sys.argv[1]
opened = 0

# 1. A path nobody thought to hide: the blocklist covers /root, /home and /var, but a deploy key sits in /tmp.
for candidate in ("/host" + secret, secret):
    try:
        with open(candidate) as f:
            print(f"DEFEATED  path     read {candidate}: {f.read().strip()!r}")
            opened += 1
            break
    except OSError as e:
        last = f"{candidate}: {errno.errorcode.get(e.errno, e.errno)}"
else:
    print(f"stopped   path     {last}")

# 2. Another path nobody thought of: the host's own /proc, mounted along with /.
try:
    with open("/host/proc/1/cmdline", "rb") as f:
        program = f.read().split(b"\0")[0].decode(errors="replace")
        print(f"DEFEATED  proc     host pid 1 is {program!r}")
        opened += 1
except OSError as e:
    print(f"stopped   proc     /host/proc/1/cmdline: {errno.errorcode.get(e.errno, e.errno)}")

# 3. A syscall nobody thought to block: io_uring_setup (425 on x86-64), whose operations bypass seccomp entirely.
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
fd = libc.syscall(425, 4, params)
if fd >= 0:
    print(f"DEFEATED  syscall  io_uring_setup returned descriptor {fd}: a kernel interface the deny list forgot")
    opened += 1
    os.close(fd)
else:
    print(f"stopped   syscall  io_uring_setup: {errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno())}")

print(f"{opened} of 3 doors open")
