#!/usr/bin/env bash
# Publishes the cordon CLI with NativeAOT (starts in milliseconds instead of the runtime's ~60 ms) into
# artifacts/cordon/, next to its static cordon-launch helper. Needs clang (Debian: clang-14) for the native link.
set -euo pipefail
cd "$(dirname "$0")/.."
cc=$(command -v clang || command -v clang-14 || true)
if [ -z "$cc" ]; then
  echo "cordon: installing clang for the NativeAOT link" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang >/dev/null
  cc=$(command -v clang || command -v clang-14)
fi
log=$(mktemp)
if ! dotnet publish src/Cordon.Cli -c Release -r linux-x64 --nologo -v quiet -p:PublishAot=true -p:CppCompilerAndLinker="$cc" -o artifacts/cordon >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
echo "$PWD/artifacts/cordon/cordon"
