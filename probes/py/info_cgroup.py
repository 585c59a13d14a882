"""info-cgroup: our cgroup membership must read as the namespace root ("/"), never as the host path of the
run's cgroup (which names the supervisor's pid and the host's cgroup layout)."""
import os

import cordon_probe as p

p.begin()
text = p.step("read-self-cgroup", lambda: p.read_text("/proc/self/cgroup")) or ""
print(text)
paths = {line.split(":", 2)[2] for line in text.splitlines() if line.count(":") >= 2}
p.token("cgroup-paths", "ROOT" if paths <= {"/"} else "HOST", " ".join(sorted(paths)))
print(p.step("read-pid1-cgroup", lambda: p.read_text("/proc/1/cgroup")))
p.step("list-sys-fs-cgroup", lambda: os.listdir("/sys/fs/cgroup"))
p.end()
