#!/usr/bin/env bash
# Publishes cordon-mcp (the MCP server behind `cordon mcp`) with NativeAOT into artifacts/cordon/, beside the cordon
# CLI that scripts/publish-cli.sh puts there. It is its own executable so that the MCP SDK adds nothing to the size or
# start-up of every other cordon command. Needs clang for the native link, like publish-cli.sh.
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
if ! dotnet publish src/Cordon.Mcp -c Release -r linux-x64 --nologo -v quiet -p:PublishAot=true -p:CppCompilerAndLinker="$cc" -o artifacts/cordon >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
echo "$PWD/artifacts/cordon/cordon-mcp"
