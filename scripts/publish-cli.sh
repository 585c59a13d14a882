#!/usr/bin/env bash
# Publishes the cordon CLI with NativeAOT (starts in milliseconds instead of the runtime's ~60 ms) into
# artifacts/cordon/, next to its static cordon-launch helper. Needs clang (Debian: clang-14) for the native link.
# The binary is a fixed-address executable (half the start-up time, see src/Cordon.Cli/Cordon.Cli.csproj);
# `scripts/publish-cli.sh pie` builds a position-independent one instead.
set -euo pipefail
cd "$(dirname "$0")/.."
cc=$(command -v clang || command -v clang-14 || true)
if [ -z "$cc" ]; then
  echo "cordon: installing clang for the NativeAOT link" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang >/dev/null
  cc=$(command -v clang || command -v clang-14)
fi
pie=false
[ "${1:-}" = pie ] && pie=true
# An incremental publish does not relink when only the PIE choice changed: start the native step afresh then.
stamp=src/Cordon.Cli/obj/cordon-pie-choice
if [ "$(cat "$stamp" 2>/dev/null)" != "$pie" ]; then
  rm -rf src/Cordon.Cli/obj/Release/net10.0/linux-x64/native
  mkdir -p "$(dirname "$stamp")" && echo "$pie" > "$stamp"
fi
log=$(mktemp)
if ! dotnet publish src/Cordon.Cli -c Release -r linux-x64 --nologo -v quiet -p:PublishAot=true -p:CppCompilerAndLinker="$cc" -p:CordonPie=$pie -o artifacts/cordon >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
echo "$PWD/artifacts/cordon/cordon"
