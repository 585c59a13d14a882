"""info-env: the environment of every process we can see (ourselves, pid 1, the rest). The harness looks
for the secret it put into its own environment, and for any name the policy did not set."""
import os

import cordon_probe as p

p.begin()
for entry in sorted(os.listdir("/proc"), key=lambda s: (len(s), s)):
    if not entry.isdigit():
        continue
    data = p.step(f"environ-pid{entry}", lambda: open(f"/proc/{entry}/environ", "rb").read())
    if data is not None:
        print(f"pid {entry} environ:", data.replace(b"\0", b" ").decode("utf-8", "replace"))
print("own environment:", sorted(os.environ))
expected = {"PATH", "HOME", "LANG", "LC_ALL", "PWD"}
extra = sorted(n for n in os.environ if n not in expected and not n.startswith("CORDON_"))
p.token("environment-names", "EXTRA" if extra else "EXPECTED", " ".join(extra) or None)
p.end()
