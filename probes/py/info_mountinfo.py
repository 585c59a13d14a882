"""info-mountinfo: the mount table shows which host directories are bound in; it must show nothing the
policy did not grant."""
import cordon_probe as p

p.begin()
text = p.step("read-self-mountinfo", lambda: p.read_text("/proc/self/mountinfo")) or ""
print(text)
pid1 = p.step("read-pid1-mountinfo", lambda: p.read_text("/proc/1/mountinfo")) or ""
p.token("pid1-same-table", "SAME" if pid1 == text else "DIFFERENT")
roots = sorted({line.split()[3] for line in text.splitlines() if len(line.split()) > 4})
p.token("mount-roots", "LISTED", " ".join(roots))
p.end()
