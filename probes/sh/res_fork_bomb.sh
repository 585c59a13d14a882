# res-fork-bomb-shell: the classic bash fork bomb. Once bash reports that fork was refused, the probe gives up
# (exit 3) and leaves the bomb running: whether a limit fired is the host's to say (pids.events).
. "$(dirname "$0")/probe.sh"
probe_begin
token bomb STARTED
bash -c ':(){ :|:& };:' 2>/tmp/bomb.err &
for i in $(seq 1 100); do
  if grep -q "Resource temporarily unavailable" /tmp/bomb.err 2>/dev/null; then
    token fork EAGAIN
    exit 3
  fi
  sleep 0.05
done
token fork UNBOUNDED "no refusal within 5 s"
exit 3
