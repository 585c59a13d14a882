"""info-proc-net: the network namespace's socket tables and interfaces. The harness checks that none of its
host listeners (TCP port, unix socket names) shows up, and that the only interface is lo."""
import os

import cordon_probe as p

p.begin()
for table in ("tcp", "tcp6", "udp", "udp6", "unix", "dev", "route", "if_inet6", "arp"):
    text = p.step(f"read-proc-net-{table}", lambda: p.read_text(f"/proc/net/{table}"))
    if text is not None:
        print(f"--- /proc/net/{table}\n{text}")
dev = p.read_text("/proc/net/dev") if os.path.exists("/proc/net/dev") else ""
names = sorted(line.split(":")[0].strip() for line in dev.splitlines()[2:] if ":" in line)
p.token("interfaces", "LO-ONLY" if names in ([], ["lo"]) else "MORE", " ".join(names))
p.end()
