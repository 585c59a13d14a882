"""info-uts: the host's name must not be visible (uname, /proc/sys/kernel, /etc/hostname, /etc/hosts)."""
import os
import socket

import cordon_probe as p

p.begin()
u = os.uname()
print("uname:", u.nodename)
print("hostname:", p.step("read-proc-hostname", lambda: p.read_text("/proc/sys/kernel/hostname").strip()))
print("domainname:", p.step("read-proc-domainname", lambda: p.read_text("/proc/sys/kernel/domainname").strip()))
print("etc/hostname:", p.step("read-etc-hostname", lambda: p.read_text("/etc/hostname").strip()))
print("etc/hosts:", p.step("read-etc-hosts", lambda: p.read_text("/etc/hosts")))
print("gethostname:", socket.gethostname())
p.token("nodename", "SANDBOX" if u.nodename == "cordon" else "OTHER", u.nodename)
p.end()
