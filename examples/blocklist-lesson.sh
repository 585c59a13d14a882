#!/usr/bin/env bash
# Blocklist versus allowlist, as a runnable lesson.
#
# Plants a "deploy key" in a fresh directory under /tmp (a place nobody thought to hide), then runs the same probe
# (examples/blocklist-probe.py) under examples/blocklist.toml and under examples/allowlist.toml, and audits both.
# The blocklist hides /root, /home and /var and denies the famous syscalls; the probe walks through /tmp, the host's
# /proc and io_uring. The allowlist grants python3 and the probe file only, and every door stays shut.
#
# Usage: examples/blocklist-lesson.sh            (after dotnet build; set CORDON to override the command)
set -uo pipefail
cd "$(dirname "$0")/.."
cordon=(${CORDON:-dotnet src/Cordon.Cli/bin/${CONFIGURATION:-Debug}/net10.0/cordon.dll})

secret_dir=$(mktemp -d /tmp/cordon-lesson.XXXXXX)
trap 'rm -rf "$secret_dir"' EXIT
echo "deploy-key-$RANDOM$RANDOM" > "$secret_dir/deploy-key"
chmod 755 "$secret_dir"; chmod 644 "$secret_dir/deploy-key"   # readable by the dropped uid, as real files often are

for policy in blocklist allowlist; do
  echo "== $policy: cordon run --policy examples/$policy.toml -- python3 /probe.py $secret_dir/deploy-key"
  "${cordon[@]}" run --quiet --policy "examples/$policy.toml" --file /probe.py=examples/blocklist-probe.py \
    -- python3 /probe.py "$secret_dir/deploy-key"
  echo "   exit $?"
  echo "== $policy: cordon audit"
  "${cordon[@]}" audit --no-host "examples/$policy.toml" | grep -E '^Overall|^Open doors|blocklist-shaped'
  echo
done
