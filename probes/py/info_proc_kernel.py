"""info-proc-kernel: kernel memory and log interfaces must stay closed (kcore, kmsg, kallsyms addresses,
timer/scheduler internals). CPU model and kernel version stay visible by design: the threat model does not
claim to hide them (side channels are out of scope)."""
import cordon_probe as p

p.begin()
for path in ("/proc/kcore", "/proc/kmsg", "/proc/kpagecount", "/proc/kpageflags", "/proc/timer_list",
             "/proc/sched_debug", "/proc/1/stack", "/proc/self/stack", "/proc/sysrq-trigger"):
    p.step(f"read{path.replace('/', '-')}", lambda: open(path, "rb").read(64))
syms = p.step("read-proc-kallsyms", lambda: p.read_text("/proc/kallsyms", 1 << 16)) or ""
addrs = {line.split()[0] for line in syms.splitlines() if line.split()}
p.token("kallsyms-addresses", "HIDDEN" if addrs <= {"0000000000000000"} else "EXPOSED", f"{len(addrs)} distinct")
modules = p.step("read-proc-modules", lambda: p.read_text("/proc/modules")) or ""
addrs = {line.split()[5] for line in modules.splitlines() if len(line.split()) > 5}
p.token("module-addresses", "HIDDEN" if addrs <= {"0x0000000000000000"} else "EXPOSED", f"{len(addrs)} distinct")
cpu = p.step("read-proc-cpuinfo", lambda: p.read_text("/proc/cpuinfo"))
version = p.step("read-proc-version", lambda: p.read_text("/proc/version"))
print("visible by design:", (cpu or "").count("processor"), "cpus;", (version or "").strip())
p.end()
