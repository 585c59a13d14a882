#!/usr/bin/env python3
# Copyright (c) Cordon contributors. Licensed under the MIT License.
"""Test helper playing the C# supervisor's warm-pool part:

    warm-supervisor.py MODE -- BWRAP-AND-INIT-ARGV...

Starts the argv with status on fd 3, a notify socket on fd 4 and the command socket on fd 5
(init gets --command-fd 5), waits for the R status line, then per MODE:
  run        sends a command (argv from $WARM_ARGV, separated by \\x1f; cwd /tmp; env A=1 and PATH;
             inherited fd: a pipe with "inherited" as guest fd 7) and prints the guest's stdout
  bad-spec   sends a spec memfd that is not a command
  close      closes the command socket without sending
Prints "status: <lines joined by |>" and "stdout: <text>" and exits 0 when R came first."""
import os, socket, sys

mode = sys.argv[1]
argv = sys.argv[sys.argv.index("--") + 1:]
status_r, status_w = os.pipe()
notify_sup, notify_launch = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
cmd_sup, cmd_launch = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
null = os.open("/dev/null", os.O_RDWR)

def child_setup():
    os.dup2(status_w, 3)
    os.dup2(notify_launch.fileno(), 4)
    os.dup2(cmd_launch.fileno(), 5)
    for fd in (0, 1, 2):
        os.dup2(null, fd)

pid = os.fork()
if pid == 0:
    child_setup()
    os.closerange(6, 1024)
    os.execvp(argv[0], argv)
os.close(status_w)
notify_launch.close()
cmd_launch.close()

status = b""
while b"\n" not in status:
    chunk = os.read(status_r, 4096)
    if not chunk:
        break
    status += chunk
if not status.startswith(b"R\n"):
    print("no R first:", status)
    sys.exit(1)

out_r, out_w = os.pipe()
if mode == "run":
    fields = ["cordon-command/1", "/tmp"]
    guest = os.environ["WARM_ARGV"].split("\x1f")
    fields += [str(len(guest))] + guest + ["2", "A=1", "PATH=/usr/bin:/bin", "1", "7"]
    spec = os.memfd_create("spec")
    os.write(spec, b"".join(f.encode() + b"\0" for f in fields))
    inh_r, inh_w = os.pipe()
    os.write(inh_w, b"inherited\n")
    os.close(inh_w)
    socket.send_fds(cmd_sup, [b"C"], [spec, null, out_w, out_w, inh_r])
    os.close(spec); os.close(inh_r)
elif mode == "bad-spec":
    spec = os.memfd_create("spec")
    os.write(spec, b"not-a-command\0")
    socket.send_fds(cmd_sup, [b"C"], [spec, null, out_w, out_w])
    os.close(spec)
cmd_sup.close()
os.close(out_w)

stdout = b""
while True:
    chunk = os.read(out_r, 4096)
    if not chunk:
        break
    stdout += chunk
while True:
    chunk = os.read(status_r, 4096)
    if not chunk:
        break
    status += chunk
os.waitpid(pid, 0)
print("status: " + "|".join(status.decode().strip().split("\n")))
print(("stdout: " + stdout.decode().replace("\n", " ")).rstrip())
