#!/usr/bin/env bash
# Quick start, command 2: the whole test suite (unit, real-sandbox integration and escape tests, the launcher's
# own tests, and a rootless run as an unprivileged user).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export CORDON_REQUIRE_ISOLATION=1
dotnet build --nologo -v quiet Cordon.slnx
native/launcher/test.sh
dotnet test --no-build --nologo Cordon.slnx
scripts/rootless-smoke.sh
