#!/usr/bin/env bash
# Proves rootless operation: runs the built CLI as an unprivileged user (uid 65534, no groups, no capabilities)
# and checks that confinement holds and that every limit the host cannot enforce for that user is named.
set -uo pipefail
cd "$(dirname "$0")/.."
config=${CONFIGURATION:-Debug}
dll=$PWD/src/Cordon.Cli/bin/$config/net10.0/cordon.dll
[ -f "$dll" ] || { echo "rootless-smoke: build first ($dll missing)" >&2; exit 1; }
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all
           env -i PATH=/usr/bin:/bin HOME=/tmp DOTNET_CLI_HOME=/tmp DOTNET_NOLOGO=1 dotnet "$dll")
if [ "$(id -u)" -ne 0 ]; then as_nobody=(dotnet "$dll"); fi
pass=0 fail=0
check() { # name, command..., then the check is on $out / $rc
  if eval "$2"; then echo "ok - $1"; pass=$((pass+1)); else echo "not ok - $1"; echo "$out" | sed 's/^/#   /' | head -20; fail=$((fail+1)); fi
}

out=$("${as_nobody[@]}" run --json -- sh -c 'id -u; echo hi' 2>/dev/null); rc=$?
check "unprivileged run succeeds" '[ $rc -eq 0 ] && grep -q "\"outcome\": \"exited\"" <<<"$out" && grep -q "hi" <<<"$out"'
check "unprivileged run names the weaker limits" 'grep -q "no cgroup" <<<"$out" || grep -q "\"peakMemoryBytes\": [0-9]" <<<"$out"'
out=$("${as_nobody[@]}" run -- cat /etc/shadow 2>&1); rc=$?
check "unprivileged guest cannot read /etc/shadow" '[ $rc -ne 0 ] && grep -q "No such file" <<<"$out"'
out=$("${as_nobody[@]}" run --json -- python3 -c 'import socket; socket.create_connection(("127.0.0.1", 22), timeout=1)' 2>/dev/null); rc=$?
check "unprivileged guest has no network" '[ $rc -ne 0 ] && grep -q "\"syscall\": \"socket\"" <<<"$out"'
out=$("${as_nobody[@]}" run --json -- python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(101,0,0,0,0))' 2>/dev/null); rc=$?
check "unprivileged guest gets named seccomp violations" 'grep -q "\"syscall\": \"ptrace\"" <<<"$out"'
out=$("${as_nobody[@]}" run --time 1s --json -- sleep 10 2>/dev/null); rc=$?
check "unprivileged wall-time limit holds" '[ $rc -eq 124 ] && grep -q wall_time_exceeded <<<"$out"'
out=$("${as_nobody[@]}" run --require-cgroups -- true 2>&1); rc=$?
check "--require-cgroups refuses to run without cgroups" '[ $rc -eq 125 ] || [ $rc -eq 0 ]'
# Doors, unprivileged: a writable grant is written as the caller (there is no other uid to give a run), and a planted
# link is refused as it is for root.
grant=$(mktemp -d /tmp/cordon-rootless-grant.XXXXXX)
trap 'rm -rf "$grant"' EXIT
[ "$(id -u)" -eq 0 ] && chown 65534:65534 "$grant"
chmod 700 "$grant"
caller_uid=$([ "$(id -u)" -eq 0 ] && echo 65534 || id -u)
out=$(cd /tmp && "${as_nobody[@]}" run --rw "$grant:/out" -- sh -c 'echo x > /out/made' 2>&1); rc=$?
check "unprivileged writable grant lands owned by the caller" '[ $rc -eq 0 ] && [ "$(stat -c %u "$grant/made")" = "$caller_uid" ]'
ln -s /etc/passwd "$grant/planted"
[ "$(id -u)" -eq 0 ] && chown -h 65534:65534 "$grant/planted"
out=$(cd /tmp && "${as_nobody[@]}" run --file "/in=$grant/planted" -- cat /in 2>&1); rc=$?
check "unprivileged: a planted link as --file is refused" '[ $rc -eq 125 ] && grep -q "is a symbolic link" <<<"$out" && ! grep -q "root:" <<<"$out"'
out=$(cd /tmp && "${as_nobody[@]}" run --ro "$grant/planted:/in" -- cat /in 2>&1); rc=$?
check "unprivileged: a planted link as a bind source is refused" '[ $rc -eq 125 ] && grep -q "is a symbolic link" <<<"$out"'
echo "rootless smoke: $pass passed, $fail failed"
[ $fail -eq 0 ]
