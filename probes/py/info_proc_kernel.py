"""info-proc-kernel: kernel memory and log interfaces must stay closed (kcore, kmsg, kallsyms addresses,
timer/scheduler internals). CPU model and kernel version stay visible by design: the threat model does not
claim to hide them (side channels are out of scope)."""
import cordon_probe as p

p.begin()
for path in ("/proc/kcore", "/proc/kmsg", "/proc/kpagecount", "/proc/kpageflags", "/proc/timer_list",
             "/proc/sched_debug", "/proc/1/stack", "/proc/self/stack", "/proc/sysrq-trigger"):
    p.step(f"read{path.replace('/', '-')}", lambda: open(path, "rb").read(64))
syms = p.step("read-proc-kallsyms", lambda: p.read_text("/proc/kallsyms", 1 << 16)) or ""
# Judge complete records only: the read stops at a fixed size, so its last line can be cut mid-record (a
# truncated "ffffffff..." name or a bare partial address would otherwise count as an exposed address).
records = syms.split("\n")[:-1]
addrs = {fields[0] for fields in (line.split() for line in records) if len(fields) >= 3}
p.token("kallsyms-addresses", "HIDDEN" if addrs <= {"0000000000000000"} else "EXPOSED", f"{len(addrs)} distinct")
modules = p.step("read-proc-modules", lambda: p.read_text("/proc/modules")) or ""
addrs = {fields[5] for fields in (line.split() for line in modules.split("\n")[:-1]) if len(fields) > 5}
p.token("module-addresses", "HIDDEN" if addrs <= {"0x0000000000000000"} else "EXPOSED", f"{len(addrs)} distinct")
cpu = p.step("read-proc-cpuinfo", lambda: p.read_text("/proc/cpuinfo"))
version = p.step("read-proc-version", lambda: p.read_text("/proc/version"))
print("visible by design:", (cpu or "").count("processor"), "cpus;", (version or "").strip())
p.end()
