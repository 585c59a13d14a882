"""Shared helpers of Cordon's python probes: the line protocol the selftest harness reads (see c/probe.h).

The harness never takes a probe's word for containment; steps only say what the guest saw.
"""
import errno
import os
import sys

NONCE = sys.argv[1] if len(sys.argv) > 1 else ""


def begin():
    sys.stdout.reconfigure(line_buffering=True)
    print("@cordon-probe begin", NONCE)


def end():
    print("@cordon-probe end", NONCE)
    sys.stdout.flush()


def token(name, tok, detail=None):
    print("@cordon-probe step", name, tok, *([detail] if detail is not None else []))


def step(name, action):
    """Runs action(); reports OK, or the errno name of the OSError it raised. Returns the value or None."""
    try:
        value = action()
    except OSError as e:
        token(name, errno.errorcode.get(e.errno, "EUNKNOWN") if e.errno else type(e).__name__)
        return None
    token(name, "OK")
    return value


def read_text(path, limit=1 << 20):
    with open(path, "rb") as f:
        return f.read(limit).decode("utf-8", "replace")


def env(name, default=""):
    return os.environ.get(name) or default
