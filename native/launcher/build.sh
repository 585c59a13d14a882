#!/bin/sh
# Builds cordon-launch: static, so it runs inside a sandbox whose root has no libc of ours.
# Usage: build.sh [OUT]   (default ./cordon-launch)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-./cordon-launch}
exec gcc -static -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$OUT" \
    "$here/cordon-launch.c" "$here/args.c" "$here/status.c" "$here/report.c" \
    "$here/enter.c" "$here/cgroup_clone.c" "$here/stage.c" "$here/copyback.c" "$here/init.c" "$here/command.c" "$here/landlock.c"
