# Shared helpers of Cordon's shell probes: the line protocol the selftest harness reads (see c/probe.h).
PROBE_NONCE=${1:-}
probe_begin() { echo "@cordon-probe begin $PROBE_NONCE"; }
probe_end() { echo "@cordon-probe end $PROBE_NONCE"; }
# token NAME TOKEN [DETAIL...]
token() { echo "@cordon-probe step $*"; }
