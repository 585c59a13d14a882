#!/usr/bin/env bash
# Installs the system packages Cordon needs on Debian/Ubuntu: bubblewrap (namespaces and mounts), libseccomp2
# (the filter compiler, loaded at run time), gcc + libc6-dev (the static in-sandbox launcher), python3 (demo and
# hostile test programs), chromium (the JavaScript tier's real-browser test). The .NET 10 SDK must already be installed (it is not in Debian's archive).
# The workload corpus (tests/Cordon.Workloads.Tests) runs real programs from the host's /usr: CPython's own test
# modules, g++, make, git, node + npm, sqlite3, ImageMagick with Ghostscript (and Debian's policy.xml), poppler-utils.
# The image and gVisor tiers need runsc and umoci (tests build images from busybox-static); the service's queue nats-server.
# With --bench it also installs the peers the benchmark harness measures Cordon against (crun, firejail, runc), without
# their recommended packages.
set -euo pipefail
need=()
bench=()
if [ "${1:-}" = "--bench" ]; then
  command -v crun >/dev/null || bench+=(crun)
  command -v firejail >/dev/null || bench+=(firejail)
  command -v runc >/dev/null || bench+=(runc)
fi
command -v bwrap >/dev/null || need+=(bubblewrap)
[ -e /usr/lib/x86_64-linux-gnu/libseccomp.so.2 ] || [ -e /usr/lib/aarch64-linux-gnu/libseccomp.so.2 ] || need+=(libseccomp2)
command -v gcc >/dev/null || need+=(gcc)
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || [ -e /usr/lib/aarch64-linux-gnu/libc.a ] || need+=(libc6-dev)
[ -e /usr/include/seccomp.h ] || need+=(libseccomp-dev)
command -v python3 >/dev/null || need+=(python3)
command -v setpriv >/dev/null || need+=(util-linux)
[ -x /usr/bin/chromium ] || need+=(chromium)
# workload corpus
[ -e /usr/lib/python3.11/test/test_json/__init__.py ] || need+=(libpython3.11-testsuite)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v git >/dev/null || need+=(git)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v sqlite3 >/dev/null || need+=(sqlite3)
[ -x /usr/bin/convert ] && [ -e /etc/ImageMagick-6/policy.xml ] || need+=(imagemagick)
command -v gs >/dev/null || need+=(ghostscript)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v runsc >/dev/null || need+=(runsc)
command -v umoci >/dev/null || need+=(umoci)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
command -v nats-server >/dev/null || need+=(nats-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "cordon: installing ${need[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ${#bench[@]} -gt 0 ]; then
  echo "cordon: installing the benchmark's peers ${bench[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${bench[@]}" >/dev/null
fi
if ! command -v dotnet >/dev/null; then
  echo "cordon: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 1
fi
# The MCP server's test drives it with the official TypeScript MCP client (pinned in its package-lock.json).
mcp_client=tests/Cordon.Mcp.Tests/typescript
if [ ! -d "$(dirname "$0")/../$mcp_client/node_modules/@modelcontextprotocol/sdk" ]; then
  echo "cordon: installing the TypeScript MCP client for tests/Cordon.Mcp.Tests" >&2
  (cd "$(dirname "$0")/../$mcp_client" && npm ci --no-audit --no-fund --silent)
fi
