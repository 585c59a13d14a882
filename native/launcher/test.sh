#!/bin/bash
# Copyright (c) Cordon contributors. Licensed under the MIT License.
#
# Exercises cordon-launch for real: under bubblewrap, in real cgroup v1 and v2 hierarchies, with a real
# seccomp listener handed to a stand-in supervisor. Needs root (cgroup mkdir, --user), bwrap,
# gcc and libseccomp-dev (test helpers only). Prints TAP-ish lines; exit status 0 = all passed.
set -u

if [ "$(id -u)" != 0 ]; then
    echo "test.sh: needs root (cgroup mkdir, enter --user)" >&2
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/cordon-launch-test.XXXXXX)
chmod 755 "$work" # the --user test runs bwrap as nobody, which must read the launcher
cgroup=/sys/fs/cgroup/pids/cordon-launch-test

cleanup() {
    [ -d "$cgroup" ] && rmdir "$cgroup"
    [ -n "${v2cg:-}" ] && [ -d "$v2cg" ] && rmdir "$v2cg"
    [ -n "${deleg:-}" ] && [ -d "$deleg" ] && rmdir "$deleg/run" "$deleg/supervisor" "$deleg"
    rm -rf "$work"
}
trap cleanup EXIT

# Whoever started us may have leaked fds; close them so fd checks see only what a test passes.
# (255 is bash's own handle on this script.)
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-"; fi
done

echo "# building"
"$here/build.sh" "$work/cordon-launch" || exit 1
cflags=(-O2 -Wall -Wextra -Werror -D_GNU_SOURCE)
gcc "${cflags[@]}" -o "$work/gen-bpf" "$here/tests/gen-bpf.c" -lseccomp || exit 1
gcc "${cflags[@]}" -o "$work/notify-supervisor" "$here/tests/notify-supervisor.c" || exit 1
gcc "${cflags[@]}" -o "$work/without-clone3" "$here/tests/without-clone3.c" -lseccomp || exit 1
gcc -static "${cflags[@]}" -o "$work/getppid-guest" "$here/tests/getppid-guest.c" || exit 1
"$work/gen-bpf" "$work/notify.bpf" notify-getppid || exit 1
"$work/gen-bpf" "$work/kill.bpf" kill-getppid || exit 1
head -c 7 /dev/zero >"$work/bad.bpf"
echo "marker-from-host" >"$work/marker"
launch=$work/cordon-launch

passed=0
failed=0

# check NAME GOT WANT
check() {
    if [ "$2" == "$3" ]; then
        passed=$((passed + 1))
        echo "ok - $1"
    else
        failed=$((failed + 1))
        echo "not ok - $1"
        printf '#   want: %q\n#   got:  %q\n' "$3" "$2"
        printf '#   stderr: %q\n' "$(cat "$work/err" 2>/dev/null)"
    fi
}

# check_match NAME GOT EXTENDED-REGEX
check_match() {
    if [[ $2 =~ $3 ]]; then
        passed=$((passed + 1))
        echo "ok - $1"
    else
        failed=$((failed + 1))
        echo "not ok - $1"
        printf '#   want match: %s\n#   got: %q\n' "$3" "$2"
    fi
}

bwrap_base=(bwrap --unshare-all --unshare-user --disable-userns --die-with-parent --new-session
    --as-pid-1 --clearenv --setenv PATH /usr/bin:/bin --cap-drop ALL
    --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64
    --proc /proc --dev /dev --tmpfs /tmp
    --ro-bind "$launch" /.cordon/launch --ro-bind "$work/getppid-guest" /.cordon/getppid-guest)

# sandbox [BWRAP OPTIONS...] -- [INIT OPTIONS...] -- GUEST...
# Runs the guest under bwrap + init with status on fd 3 and notify on fd 4 (unless the caller
# redirects fd 4 itself); sets rc, status, out, err.
sandbox() {
    local extra=()
    while [ "$1" != "--" ]; do extra+=("$1"); shift; done
    shift
    if [ ! -e /proc/self/fd/4 ]; then exec 4</dev/null; local close4=1; fi
    timeout -k 5 60 "${bwrap_base[@]}" "${extra[@]}" -- \
        /.cordon/launch init --status-fd 3 --notify-fd 4 "$@" \
        3>"$work/status" <"/dev/null" >"$work/out" 2>"$work/err"
    rc=$?
    [ "${close4:-0}" == 1 ] && exec 4<&-
    status=$(cat "$work/status")
    out=$(cat "$work/out")
    err=$(cat "$work/err")
}

echo "# init: exit status lines"
sandbox -- -- true
check "true: exit code" "$rc" 0
check "true: status" "$status" $'X\nS exit 0'

sandbox -- -- sh -c 'exit 7'
check "exit 7: exit code" "$rc" 7
check "exit 7: status" "$status" $'X\nS exit 7'

sandbox -- -- sh -c 'kill -9 $$'
check "kill -9: exit code is 128+9" "$rc" 137
check "kill -9: status" "$status" $'X\nS signal 9'

sandbox -- -- no-such-program
check "missing program: exit code" "$rc" 127
check "missing program: status" "$status" $'E 2\nS exit 127'
check "missing program: nothing on the guest's stderr" "$err" ""

sandbox -- -- /no/such/path
check "missing absolute path: status" "$status" $'E 2\nS exit 127'

sandbox --setenv PATH /usr/include -- -- stdio.h
check "found in PATH but not executable: exit code" "$rc" 126
check "found in PATH but not executable: status" "$status" $'E 13\nS exit 126'

sandbox -- -- sh -c 'echo $$ $PPID'
check "guest is pid 2, child of the launcher" "$out" "2 1"

status=$(timeout -k 5 60 "${bwrap_base[@]}" -- /.cordon/launch init --status-fd 3 --notify-fd 4 \
    -- sh -c 'exit 3' 3>&1 >/dev/null 2>&1 4</dev/null </dev/null)
check "status over a real pipe" "$status" $'X\nS exit 3'

echo "# init: warm mode (--command-fd)"
warm() {
    local mode=$1
    shift
    timeout -k 5 60 python3 "$here/tests/warm-supervisor.py" "$mode" -- "${bwrap_base[@]}" --chdir / -- \
        /.cordon/launch init --status-fd 3 --notify-fd 4 --command-fd 5 "$@" -- 2>"$work/err"
}
result=$(WARM_ARGV=$'sh\x1f-c\x1fecho "$A $PATH $(pwd)"; cat <&7; ls /proc/self/fd | tr "\\n" " "; echo $$ $PPID' warm run)
check "warm: R, then the command's argv, env, cwd and fds" "$result" $'status: R|X|S exit 0\nstdout: 1 /usr/bin:/bin /tmp inherited 0 1 2 3 7 2 1'
result=$(WARM_ARGV=$'no-such-program' warm run)
check "warm: a missing program is an exec failure, as cold" "$result" $'status: R|E 2|S exit 127\nstdout:'
result=$(warm bad-spec)
check "warm: a malformed command fails closed" "$result" $'status: R|F command-spec 71\nstdout:'
result=$(warm close)
check "warm: no command (the member torn down) is reported, nothing runs" "$result" $'status: R|F command-none 61\nstdout:'
sandbox -- --command-fd 5 -- true
check "warm: a guest program on the command line is refused" "$status|$rc" "F arg-program 22|125"
sandbox -- --command-fd 3 --
check "warm: the command fd may not be the status fd" "$status|$rc" "F arg-command-fd 22|125"

echo "# init: fds"
sandbox -- --fd 5:7 -- sh -c 'ls /proc/self/fd | tr "\n" " "; cat <&7' 5<"$work/marker"
check "--fd 5:7: only 0-2, ls's own dir fd 3, and 7" "$(head -1 <<<"$out")" "0 1 2 3 7 marker-from-host"
check "--fd 5:7: status" "$status" $'X\nS exit 0'

sandbox -- --fd 5:3 --fd 6:4 -- sh -c 'cat <&3; cat <&4' 5<"$work/marker" 6<"$work/marker"
check "--fd TO may reuse the status and notify fd numbers" "$out" $'marker-from-host\nmarker-from-host'
check "--fd TO reusing fd numbers: status still intact" "$status" $'X\nS exit 0'

sandbox -- --fd 5:255 -- true 5<"$work/marker"
check "--fd TO 255 is refused" "$status|$rc" "F arg-fd 22|125"

sandbox -- --fd 3:7 -- true
check "--fd FROM = status fd is refused" "$status|$rc" "F arg-fd 22|125"

sandbox -- --fd 9:7 -- true
check "--fd FROM not open fails closed" "$status|$rc" "F fd-map 9|125"

echo "# init: pid 1 is out of the guest's reach"
sandbox -- -- sh -c 'cat /proc/1/environ >/dev/null 2>&1 || echo environ-denied; head -c1 /proc/1/mem >/dev/null 2>&1 || echo mem-denied; readlink /proc/1/fd/3 || echo fd-denied'
check "non-dumpable pid 1: environ, mem and fd links denied" "$out" $'environ-denied\nmem-denied\nfd-denied'

sandbox -- -- sh -c 'kill -9 1; kill -STOP 1; sleep 0.2; echo alive'
check "pid 1 ignores signals from inside the namespace" "$out|$status" $'alive|X\nS exit 0'

echo "# init: Landlock"
ll_base=(--landlock-ro /usr --landlock-ro /proc --landlock-rw /dev/null)
sandbox -- "${ll_base[@]}" -- sh -c 'echo x >/tmp/x'
check "landlock: write to /tmp (not in --landlock-rw) fails" "$rc" 2
check_match "landlock: ... with EACCES" "$err" "/tmp/x: Permission denied"
check "landlock: status" "$status" $'X\nS exit 2'
sandbox -- "${ll_base[@]}" -- sh -c 'echo x >/dev/null && echo devnull-ok; ls /usr >/dev/null && echo usr-ok'
check "landlock: sh runs, /dev/null writable, /usr readable" "$out|$status" $'devnull-ok\nusr-ok|X\nS exit 0'

sandbox -- "${ll_base[@]}" --landlock-rw /tmp -- sh -c 'echo x >/tmp/x && cat /tmp/x'
check "landlock: --landlock-rw /tmp allows the write" "$out|$status" $'x|X\nS exit 0'

sandbox -- "${ll_base[@]}" -- /.cordon/getppid-guest
check "landlock: exec outside the read-only paths is denied" "$status|$rc" $'E 13\nS exit 126|126'

sandbox -- -- sh -c 'kill -0 1 && echo can-signal-pid1'
check "without landlock, pid 1 is signalable (baseline)" "$out" "can-signal-pid1"
sandbox -- "${ll_base[@]}" -- sh -c 'kill -0 1 2>/dev/null || echo scoped'
check "landlock scope: guest cannot signal pid 1 (outside its domain)" "$out" "scoped"

sandbox -- -- bash -c 'exec 5<>/dev/tcp/127.0.0.1/9'
check_match "without --landlock-deny-net, TCP connect is attempted (baseline)" "$err" "Connection refused"
sandbox -- "${ll_base[@]}" --landlock-deny-net -- bash -c 'exec 5<>/dev/tcp/127.0.0.1/9'
check_match "--landlock-deny-net: TCP connect denied by Landlock" "$err" "Permission denied"
check "--landlock-deny-net: no warning on this kernel (ABI >= 4)" "$(grep -c ^W <<<"$status")" 0

sandbox -- --landlock-ro /no/such/dir -- true
check "landlock: missing path fails closed" "$status|$rc" "F landlock-path 2|125"

sandbox -- --landlock-ro relative -- true
check "landlock: relative path refused" "$status|$rc" "F arg-landlock 22|125"

echo "# init: rlimits"
sandbox -- --rlimit NOFILE=16:16 --rlimit CORE=0:0 -- sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
check "--rlimit NOFILE=16:16 CORE=0:0 visible to the guest" "$out" $'16\n16\n0'

sandbox -- --rlimit CPU=inf:inf --rlimit FSIZE=1024:1024 -- sh -c 'ulimit -t; ulimit -f'
check "--rlimit inf and FSIZE (512-byte blocks in sh)" "$out" $'unlimited\n2'

sandbox -- --rlimit NOFILE=32:16 -- true
check "--rlimit soft > hard fails closed" "$status|$rc" "F rlimit-NOFILE 22|125"

sandbox -- --rlimit BOGUS=1:1 -- true
check "--rlimit unknown name refused" "$status|$rc" "F arg-rlimit 22|125"

sandbox -- --rlimit NOFILE=-1:16 -- true
check "--rlimit negative refused" "$status|$rc" "F arg-rlimit 22|125"

echo "# init: reaping"
start=$(date +%s%N)
sandbox -- -- sh -c 'sleep 987 & sleep 987 & exit 3'
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "orphans: exit code of the first child" "$rc|$status" $'3|X\nS exit 3'
check "orphans: a background sleep does not keep the run alive" "$((elapsed_ms < 10000))" 1
check "orphans: killed with the namespace, none left on the host" "$(pgrep -cfx 'sleep 987')" 0

sandbox -- -- sh -c '(sleep 0.1; exit 5) & (sleep 0.1; exit 6) & wait; exit 4'
check "grandchildren reaped, first child's status reported" "$rc|$status" $'4|X\nS exit 4'

echo "# init: seccomp listener"
sandbox -- --bpf-fd 5 -- /.cordon/getppid-guest 5<"$work/notify.bpf"
check "bpf without a notify socket: sendmsg fails closed (ENOTSOCK)" "$status|$rc" "F notify-send 88|125"

sandbox -- --bpf-fd 5 -- true 5<"$work/bad.bpf"
check "bpf of 7 bytes refused" "$status|$rc" "F bpf-read 22|125"

sandbox -- --bpf-fd 5 -- true 5</dev/null
check "empty bpf refused" "$status|$rc" "F bpf-read 22|125"

# notify-supervisor gives fd 4 (the notify socket) to what it runs.
"$work/notify-supervisor" 4 -- "${bwrap_base[@]}" -- /.cordon/launch init --status-fd 3 \
    --notify-fd 4 --bpf-fd 5 -- /.cordon/getppid-guest \
    3>"$work/status" 5<"$work/notify.bpf" >"$work/out" 2>"$work/err" </dev/null
rc=$?
check "seccomp notify: guest's getppid answered EPERM by the supervisor" "$(cat "$work/out")" "getppid=-1 errno=EPERM"
check "seccomp notify: exit and status" "$rc|$(cat "$work/status")" $'0|X\nS exit 0'
check_match "seccomp notify: listener received, one notification for getppid (110)" "$(cat "$work/err")" "listener=yes notifications=1 syscalls=110$"

"$work/notify-supervisor" 4 -- "${bwrap_base[@]}" -- /.cordon/launch init --status-fd 3 \
    --notify-fd 4 -- /.cordon/getppid-guest \
    3>"$work/status" >"$work/out" 2>"$work/err" </dev/null
check_match "no --bpf-fd: notify socket closed, no listener" "$(cat "$work/err")" "listener=no notifications=0"
check "no --bpf-fd: getppid works normally" "$(cat "$work/out")" "getppid=1 errno=none"

"$work/notify-supervisor" 4 -- "${bwrap_base[@]}" -- /.cordon/launch init --status-fd 3 \
    --notify-fd 4 --bpf-fd 5 -- /.cordon/getppid-guest \
    3>"$work/status" 5<"$work/kill.bpf" >"$work/out" 2>"$work/err" </dev/null
rc=$?
check "seccomp kill filter: guest dies of SIGSYS" "$rc|$(cat "$work/status")" $'159|X\nS signal 31'

echo "# init: misuse"
"$launch" init --status-fd 3 --notify-fd 4 -- true 3>"$work/status" 4</dev/null
check "init outside a pid namespace refuses to run" "$?|$(cat "$work/status")" "125|F not-pid1 22"
"$launch" init --notify-fd 4 -- true 4</dev/null >"$work/out" 2>&1
check "no status fd: exit 125, silent" "$?|$(cat "$work/out")" "125|"
"$launch" init --status-fd 3 --notify-fd 4 --bogus -- true 3>"$work/status" 4</dev/null
check "unknown option reported" "$?|$(cat "$work/status")" "125|F arg-unknown 22"
"$launch" init --status-fd 3 --notify-fd 4 3>"$work/status" 4</dev/null
check "missing -- GUEST reported" "$?|$(cat "$work/status")" "125|F arg-program 22"

echo "# enter"
[ -d "$cgroup" ] && rmdir "$cgroup"
mkdir "$cgroup" || exit 1

"$launch" enter --status-fd 3 --parent-pid $$ --cgroup "$cgroup" -- /usr/bin/cat /proc/self/cgroup \
    3>"$work/status" >"$work/out" 2>"$work/err"
rc=$?
check "enter: exec'd PROGRAM" "$rc|$(cat "$work/status")" "0|"
check_match "enter: joined the v1 pids cgroup" "$(cat "$work/out")" ":pids:/cordon-launch-test"

"$launch" enter --status-fd 3 --parent-pid $$ --user 65534:65534 -- /usr/bin/grep -E \
    '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapAmb):' /proc/self/status \
    3>"$work/status" >"$work/out" 2>"$work/err"
check "enter --user: ids, no groups, no capabilities" "$(tr -s '\t ' ' ' <"$work/out")" \
    $'Uid: 65534 65534 65534 65534\nGid: 65534 65534 65534 65534\nGroups: \nCapInh: 0000000000000000\nCapPrm: 0000000000000000\nCapEff: 0000000000000000\nCapAmb: 0000000000000000'

"$launch" enter --status-fd 3 --parent-pid 1 -- /usr/bin/true 3>"$work/status"
check "enter: parent already gone" "$?|$(cat "$work/status")" "125|F parent-gone 3"

"$launch" enter --status-fd 3 --cgroup /sys/fs/cgroup/pids/no-such-cgroup -- /usr/bin/true 3>"$work/status"
check "enter: missing cgroup fails closed" "$?|$(cat "$work/status")" "125|F cgroup-join 2"

"$launch" enter --status-fd 3 --user 0:0 -- /usr/bin/true 3>"$work/status"
check "enter: --user 0:0 refused" "$?|$(cat "$work/status")" "125|F arg-user 22"

"$launch" enter --status-fd 3 -- /no/such/bwrap 3>"$work/status"
check "enter: exec failure reported" "$?|$(cat "$work/status")" "125|F exec-bwrap 2"

"$launch" enter --status-fd 3 -- usr/bin/true 3>"$work/status"
check "enter: relative PROGRAM refused" "$?|$(cat "$work/status")" "125|F arg-program 22"

echo "# enter -> bwrap -> init, as nobody, in the cgroup"
# The status fd is opened CLOEXEC-free by the shell; enter must keep it so init can report.
"$launch" enter --status-fd 3 --parent-pid $$ --cgroup "$cgroup" --user 65534:65534 -- \
    /usr/bin/bwrap "${bwrap_base[@]:1}" -- /.cordon/launch init --status-fd 3 --notify-fd 4 \
    --landlock-ro /usr --landlock-rw /dev/null --rlimit NPROC=64:64 -- \
    sh -c 'id -u; sleep 1; exit 9' \
    3>"$work/status" 4</dev/null >"$work/out" 2>"$work/err" </dev/null &
chain=$!
members=0
for _ in $(seq 50); do
    members=$(wc -l <"$cgroup/cgroup.procs")
    [ "$members" -ge 3 ] && break
    sleep 0.05
done
wait "$chain"
rc=$?
check "chain: bwrap, its pid 1 and the guest all in the cgroup" "$((members >= 3))" 1
check "chain: guest ran as 65534, exit code passed through" "$rc|$(cat "$work/out")" "9|65534"
check "chain: status lines from init through enter's fd" "$(cat "$work/status")" $'X\nS exit 9'
check "chain: cgroup empty afterwards" "$(wc -l <"$cgroup/cgroup.procs")" 0

echo "# enter on cgroup v2: bwrap's process is born in the run's cgroup (clone3 CLONE_INTO_CGROUP)"
v2mount=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
if [ -z "$v2mount" ]; then
    echo "# no cgroup2 mount: skipped"
else
    v2cg=$v2mount/cordon-launch-test-v2
    v2name=/cordon-launch-test-v2
    [ -d "$v2cg" ] && rmdir "$v2cg"
    mkdir "$v2cg" || exit 1
    own_v2=$(grep '^0::' /proc/self/cgroup)
    descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
    self=$BASHPID

    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" -- /bin/sh -c \
        'grep "^0::" /proc/self/cgroup; grep "^0::" /proc/$PPID/cgroup
         for _ in $(seq 250); do n=$(ls /proc/$PPID/fd | wc -l); [ "$n" = 0 ] && break; sleep 0.02; done; echo "$n"' \
        3>"$work/status" >"$work/out" 2>"$work/err"
    check "v2: PROGRAM in the cgroup; enter, its parent, outside and holding no descriptor" \
        "$?|$(cat "$work/status")|$(cat "$work/out")" "0||0::$v2name
$own_v2
0"

    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" -- /bin/sh -c 'exit 7' 3>"$work/status"
    check "v2: exit code passed through" "$?|$(cat "$work/status")" "7|"
    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" -- /bin/sh -c 'kill -9 $$' 3>"$work/status"
    check "v2: death by SIGKILL passed through" "$?" 137
    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" -- /bin/sh -c 'kill -SEGV $$' 3>"$work/status"
    check "v2: death by SIGSEGV passed through" "$?" 139

    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" -- /bin/sh -c \
        'trap "echo got-term; exit 5" TERM
         until [ $((0x$(awk "/^SigCgt/ { print \$2 }" /proc/$PPID/status) & 0x4000)) != 0 ]; do sleep 0.01; done
         kill -TERM $PPID; while :; do sleep 0.05; done' \
        3>"$work/status" >"$work/out" 2>"$work/err"
    check "v2: a signal to enter reaches PROGRAM" "$?|$(cat "$work/out")" "5|got-term"

    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" --user 65534:65534 -- /bin/sh -c \
        'grep "^0::" /proc/self/cgroup; id -u; grep -E "^CapEff" /proc/self/status' \
        3>"$work/status" >"$work/out" 2>"$work/err"
    check "v2 --user: in the cgroup as nobody, no capabilities" "$?|$(tr -s '\t ' ' ' <"$work/out")" "0|0::$v2name
65534
CapEff: 0000000000000000"

    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" --cgroup-procs -- /bin/sh -c \
        'grep "^0::" /proc/self/cgroup; echo $PPID' 3>"$work/status" >"$work/out" 2>"$work/err"
    check "v2 --cgroup-procs: enter joined itself and exec'd PROGRAM (no stand-in)" "$?|$(cat "$work/out")" "0|0::$v2name
$self"

    "$work/without-clone3" "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" -- /bin/sh -c \
        'grep "^0::" /proc/self/cgroup; echo $PPID; exit 3' 3>"$work/status" >"$work/out" 2>"$work/err"
    check "v2 without clone3 (ENOSYS): falls back to cgroup.procs and execs PROGRAM" "$?|$(cat "$work/status")|$(cat "$work/out")" "3||0::$v2name
$self"

    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" --cgroup "$v2cg" -- /usr/bin/true 3>"$work/status"
    check "v2: two unified-hierarchy directories refused" "$?|$(cat "$work/status")" "125|F cgroup-join 22"

    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" -- /no/such/bwrap 3>"$work/status"
    check "v2: exec failure in the child reported, enter exits 125" "$?|$(cat "$work/status")" "125|F exec-bwrap 2"

    echo "# enter -> bwrap -> init on cgroup v2, as nobody"
    "$launch" enter --status-fd 3 --parent-pid "$self" --cgroup "$v2cg" --cgroup "$cgroup" --user 65534:65534 -- \
        /usr/bin/bwrap "${bwrap_base[@]:1}" -- /.cordon/launch init --status-fd 3 --notify-fd 4 \
        --landlock-ro /usr --landlock-ro /proc --landlock-rw /dev/null --rlimit NPROC=64:64 -- \
        sh -c 'grep "^0::" /proc/self/cgroup; sleep 1; kill -TERM $$' \
        3>"$work/status" 4</dev/null >"$work/out" 2>"$work/err" </dev/null &
    chain=$!
    members=0
    for _ in $(seq 100); do
        members=$(wc -l <"$v2cg/cgroup.procs")
        [ "$members" -ge 3 ] && break
        sleep 0.05
    done
    inside=yes
    for pid in $(cat "$v2cg/cgroup.procs"); do
        [ "$(grep '^0::' /proc/$pid/cgroup 2>/dev/null)" == "0::$v2name" ] || inside=no
    done
    outside=
    for pid in $(descendants "$chain"); do grep -qx "$pid" "$v2cg/cgroup.procs" || outside+=" $pid"; done
    chain_cgroup=$(grep '^0::' /proc/$chain/cgroup)
    wait "$chain"
    rc=$?
    check "v2 chain: bwrap, its pid 1 and the guest all in the cgroup" "$((members >= 3))|$inside|$outside" "1|yes|"
    check "v2 chain: enter itself stays where the supervisor is" "$chain_cgroup" "$own_v2"
    check "v2 chain: the guest's cgroup namespace is rooted at the run's cgroup" "$(cat "$work/out")" "0::/"
    check "v2 chain: the guest's signal passed through bwrap and enter" "$rc|$(cat "$work/status")" $'143|X\nS signal 15'
    check "v2 chain: cgroup empty afterwards" "$(for p in $(cat "$v2cg/cgroup.procs"); do echo "$p: $(tr '\0' ' ' </proc/$p/cmdline)"; done)" ""

    echo "# supervisor killed mid-run on cgroup v2: nothing of the run survives"
    # A stand-in supervisor (sh) spawns the chain and is SIGKILLed while the guest sleeps.
    for victim in supervisor enter; do
        sh -c '"$@" & wait' sh "$launch" enter --status-fd 3 --cgroup "$v2cg" --user 65534:65534 -- \
            /usr/bin/bwrap "${bwrap_base[@]:1}" -- /.cordon/launch init --status-fd 3 --notify-fd 4 -- \
            sh -c 'sleep 988 & sleep 988' \
            3>/dev/null 4</dev/null >/dev/null 2>&1 </dev/null &
        supervisor=$!
        for _ in $(seq 200); do
            [ "$(pgrep -cfx 'sleep 988')" == 2 ] && break
            sleep 0.05
        done
        members=$(wc -l <"$v2cg/cgroup.procs")
        if [ "$victim" == supervisor ]; then kill -9 "$supervisor"; else kill -9 "$(pgrep -P "$supervisor")"; fi
        for _ in $(seq 200); do
            [ "$(wc -l <"$v2cg/cgroup.procs")" == 0 ] && break
            sleep 0.05
        done
        wait "$supervisor" 2>/dev/null
        check "$victim killed: the run was running in the cgroup" "$((members >= 4))" 1
        check "$victim killed: the cgroup empties, no guest process left on the host" \
            "$(wc -l <"$v2cg/cgroup.procs")|$(pgrep -cfx 'sleep 988')" "0|0"
    done

    echo "# cgroup v2 delegated to an unprivileged user"
    deleg=$v2mount/cordon-launch-test-deleg
    mkdir -p "$deleg/supervisor" "$deleg/run" || exit 1
    chown 65534:65534 "$deleg" "$deleg/cgroup.procs" "$deleg/supervisor" "$deleg/supervisor/cgroup.procs" "$deleg/run" "$deleg/run/cgroup.procs"
    # As systemd delegates: the user's processes start inside the delegated subtree, then drop to the user.
    as_delegated_user() {
        sh -c 'echo $$ >"$0/supervisor/cgroup.procs" && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' "$deleg" "$@"
    }
    as_delegated_user "$launch" enter --status-fd 3 --cgroup "$deleg/run" -- /bin/sh -c \
        'grep "^0::" /proc/self/cgroup; grep "^0::" /proc/$PPID/cgroup; id -u' 3>"$work/status" >"$work/out" 2>"$work/err"
    check "delegated v2 as uid 65534: born in the run's cgroup, enter in the user's own" "$?|$(cat "$work/status")|$(cat "$work/out")" \
        "0||0::/cordon-launch-test-deleg/run
0::/cordon-launch-test-deleg/supervisor
65534"
    as_delegated_user "$launch" enter --status-fd 3 --cgroup "$deleg/run" --cgroup-procs -- /bin/sh -c \
        'grep "^0::" /proc/self/cgroup' 3>"$work/status" >"$work/out" 2>"$work/err"
    check "delegated v2 as uid 65534 through cgroup.procs" "$?|$(cat "$work/out")" "0|0::/cordon-launch-test-deleg/run"
    as_delegated_user "$launch" enter --status-fd 3 --cgroup "$v2cg" -- /usr/bin/true 3>"$work/status"
    check "delegated v2 as uid 65534: a cgroup outside the delegation is refused" "$?|$(cat "$work/status")" "125|F cgroup-join 13"
    rmdir "$deleg/run" "$deleg/supervisor" "$deleg"
    rmdir "$v2cg"
fi

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
