#!/usr/bin/env bash
# Quick start, command 2: the whole test suite (unit, real-sandbox integration and escape tests, the launcher's
# own tests, and a rootless run as an unprivileged user).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export CORDON_REQUIRE_ISOLATION=1
dotnet build --nologo -v quiet Cordon.slnx
native/launcher/test.sh
# One test assembly at a time: the machine has 2 cores and the sandbox tests are judged by host-wide facts.
for project in tests/*/*.csproj; do
  dotnet test --no-build --nologo "$project"
done
scripts/rootless-smoke.sh
# The benchmark harness in smoke mode (a few interleaved rounds, no targets asserted), so it cannot rot.
dotnet benchmarks/Cordon.Benchmarks/bin/Debug/net10.0/Cordon.Benchmarks.dll --smoke --json "${TMPDIR:-/tmp}/cordon-bench-smoke.json"
