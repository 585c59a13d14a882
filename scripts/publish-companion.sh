#!/usr/bin/env bash
# Publishes one of cordon's companion executables with NativeAOT into artifacts/cordon/, beside the cordon CLI that
# scripts/publish-cli.sh puts there:
#   scripts/publish-companion.sh playground   cordon-playground, the loopback web playground (ASP.NET Core)
#   scripts/publish-companion.sh serve        cordon-serve, the HTTP service (ASP.NET Core)
#   scripts/publish-companion.sh mcp          cordon-mcp, the MCP server (the MCP SDK)
# Each is its own executable so that what it needs adds nothing to the size or start-up of every other cordon
# command. Needs clang for the native link, like publish-cli.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  playground) project=Cordon.Playground; exe=cordon-playground ;;
  serve) project=Cordon.Service; exe=cordon-serve ;;
  mcp) project=Cordon.Mcp; exe=cordon-mcp ;;
  *) echo "usage: scripts/publish-companion.sh playground|serve|mcp" >&2; exit 2 ;;
esac
cc=$(command -v clang || command -v clang-14 || true)
if [ -z "$cc" ]; then
  echo "cordon: installing clang for the NativeAOT link" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang >/dev/null
  cc=$(command -v clang || command -v clang-14)
fi
log=$(mktemp)
if ! dotnet publish "src/$project" -c Release -r linux-x64 --nologo -v quiet -p:PublishAot=true -p:CppCompilerAndLinker="$cc" -o artifacts/cordon >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log" "artifacts/cordon/$exe.staticwebassets.endpoints.json"
echo "$PWD/artifacts/cordon/$exe"
