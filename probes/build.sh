#!/bin/sh
# Builds the C probes of `cordon selftest` with gcc, one binary per c/*.c, into OUT (default ./bin).
# Dynamically linked: the sandbox mounts /usr read-only, so the guest finds the host's libc like any program.
# Usage: build.sh [OUT]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-./bin}
mkdir -p "$out"
for src in "$here"/c/*.c; do
  name=$(basename "$src" .c)
  gcc -O1 -Wall -Wextra -Werror -Wno-unused-result -D_GNU_SOURCE -pthread -o "$out/$name" "$src"
done
