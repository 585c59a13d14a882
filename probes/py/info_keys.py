"""info-keys: kernel keyrings are not namespaced; the keys of the host user must not be listed or usable."""
import ctypes

import cordon_probe as p

p.begin()
for path in ("/proc/keys", "/proc/key-users"):
    text = p.step(f"read{path.replace('/', '-')}", lambda: p.read_text(path))
    if text is not None:
        print(f"--- {path}\n{text}")
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(256)
for name, ident in (("describe-session-keyring", -3), ("describe-user-keyring", -4)):
    rc = libc.syscall(250, 6, ctypes.c_long(ident), buf, 256)  # keyctl(KEYCTL_DESCRIBE, id, buf, len)
    p.token(name, "OK" if rc >= 0 else __import__("errno").errorcode.get(ctypes.get_errno(), "EUNKNOWN"),
            buf.value.decode("utf-8", "replace") if rc >= 0 else None)
p.end()
