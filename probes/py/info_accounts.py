"""info-accounts: host user and group names (who runs what on the host) must not be visible."""
import cordon_probe as p

p.begin()
for path in ("/etc/passwd", "/etc/group"):
    text = p.step(f"read{path.replace('/', '-')}", lambda: p.read_text(path)) or ""
    print(f"--- {path}\n{text}")
    names = sorted(line.split(":")[0] for line in text.splitlines() if ":" in line)
    known = {"root", "sandbox", "nobody", "nogroup"}
    extra = [n for n in names if n not in known]
    p.token(f"names{path.replace('/', '-')}", "EXTRA" if extra else "GENERATED", " ".join(extra) or None)
p.end()
