#!/bin/sh
# Builds the C probes of `cordon selftest` with gcc, one binary per c/*.c, into OUT (default ./bin).
# Statically linked, so that they run in any root (an image with no libc included), except a probe whose source
# says `probe-link: dynamic` and why (a root without the host's loader reports it as not applicable).
# Usage: build.sh [OUT]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-./bin}
mkdir -p "$out"
for src in "$here"/c/*.c; do
  name=$(basename "$src" .c)
  link=-static
  grep -q "probe-link: dynamic" "$src" && link=
  gcc -O1 -Wall -Wextra -Werror -Wno-unused-result -D_GNU_SOURCE -pthread $link -o "$out/$name" "$src"
done
