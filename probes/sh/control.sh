# control-shell: the positive control for shell probes: sh, coreutils and a pipeline work.
. "$(dirname "$0")/probe.sh"
probe_begin
n=$(printf 'b\na\n' | sort | wc -l)
token hello OK "lines=$n"
probe_end
