#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal, as a user at a terminal would, and reports what happened as JSON.

usage: pty_run.py ROWS COLS [--input TEXT [--input-after SECONDS]] [--signal SIG --after SECONDS] -- COMMAND...

The command gets the terminal as its stdin, stdout, stderr and controlling terminal. The report holds the exit code,
everything the terminal showed, and the terminal's mode before, during (just before the signal) and after the run.
"""
import json, os, pty, select, signal, sys, termios, time, fcntl, struct

def main():
    args = sys.argv[1:]
    rows, cols = int(args[0]), int(args[1])
    rest = args[2:]
    text = None; sig = None; after = None; input_after = 1.0
    while rest and rest[0] != '--':
        if rest[0] == '--input': text = rest[1]; rest = rest[2:]
        elif rest[0] == '--input-after': input_after = float(rest[1]); rest = rest[2:]
        elif rest[0] == '--signal': sig = getattr(signal, rest[1]); rest = rest[2:]
        elif rest[0] == '--after': after = float(rest[1]); rest = rest[2:]
        else: raise SystemExit('bad argument ' + rest[0])
    command = rest[1:]
    controller, replica = pty.openpty()
    fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    before = termios.tcgetattr(replica)
    pid = os.fork()
    if pid == 0:
        os.close(controller)
        os.setsid()
        fcntl.ioctl(replica, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2): os.dup2(replica, fd)
        if replica > 2: os.close(replica)
        os.execvp(command[0], command)
    output = b''
    start = time.monotonic()
    during = None
    sent = False
    typed = False
    status = None
    while True:
        if text is not None and not typed and time.monotonic() - start > input_after:
            os.write(controller, text.encode())
            typed = True
        if sig is not None and not sent and time.monotonic() - start >= after:
            during = termios.tcgetattr(replica)
            os.kill(pid, sig)
            sent = True
        ready, _, _ = select.select([controller], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                chunk = b''
            output += chunk
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            # Whatever is still buffered on the terminal.
            while select.select([controller], [], [], 0.2)[0]:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:
                    break
                if not chunk: break
                output += chunk
            break
        if time.monotonic() - start > 300:
            os.kill(pid, signal.SIGKILL)
    after_mode = termios.tcgetattr(replica)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({
        'exit': code if code >= 0 else 128 - code,
        'output': output.decode('utf-8', 'replace'),
        'modeRestored': before == after_mode,
        'rawDuring': during is not None and not (during[3] & termios.ICANON),
    }))

main()
