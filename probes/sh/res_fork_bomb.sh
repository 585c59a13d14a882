# res-fork-bomb-shell: the classic bash fork bomb; stopped only by the run's process limit.
. "$(dirname "$0")/probe.sh"
probe_begin
token bomb STARTED
bash -c ':(){ :|:& };:' 2>/dev/null
sleep 100
