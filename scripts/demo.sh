#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and watch a hostile script fail to get out.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The CLI is published with NativeAOT: it starts in milliseconds, not the ~60 ms of a JIT start.
cordon=("$(scripts/publish-cli.sh)")
echo "cordon built at ${cordon[0]}"

secret_dir=$(mktemp -d /tmp/cordon-demo-XXXXXX)
trap 'rm -rf "$secret_dir"' EXIT
echo "host-only secret: do not leak" > "$secret_dir/secret.txt"
export DEMO_API_KEY="sk-host-secret-1234"

echo "== A hostile script tries to read a host secret, reach the network and read the host environment =="
"${cordon[@]}" run -- python3 -c "
import os, socket
def attempt(what, action):
    try:
        print(f'ESCAPED {what}: {action()!r}')
    except Exception as e:
        print(f'blocked {what}: {type(e).__name__}: {e}')
attempt('read $secret_dir/secret.txt', lambda: open('$secret_dir/secret.txt').read())
attempt('read /etc/shadow', lambda: open('/etc/shadow').read())
attempt('connect to 1.1.1.1:443', lambda: socket.create_connection(('1.1.1.1', 443), timeout=2))
attempt('connect to host 127.0.0.1:22', lambda: socket.create_connection(('127.0.0.1', 22), timeout=2))
attempt('read DEMO_API_KEY', lambda: os.environ['DEMO_API_KEY'])
def ptrace_attach():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(101, 16, 1, 0, 0) != 0:  # PTRACE_ATTACH to pid 1
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return 'attached'
attempt('ptrace pid 1', ptrace_attach)
"
echo
echo "== A fork bomb and a memory bomb hit their limits =="
# --output 400: the bomb's error flood is capped too (the summary says how much was dropped).
"${cordon[@]}" run --time 3s --output 400 -- bash -c ':(){ :|:& };:; sleep 10' || true
"${cordon[@]}" run --memory 64M -- python3 -c "b = bytearray(512 * 1024 * 1024)" || true
