# res-tmpfs-fill: fill every writable tmpfs (/tmp, /dev/shm, /work) and keep a holder of the file open.
. "$(dirname "$0")/probe.sh"
probe_begin
for d in /tmp /dev/shm /work; do
  name=fill-$(echo "$d" | tr -d / )
  if out=$(dd if=/dev/zero of="$d/fill" bs=1M count=1024 2>&1); then
    token "$name" UNBOUNDED "$(echo "$out" | tail -1)"
  else
    case "$out" in *"No space left"*) token "$name" ENOSPC "$(du -m "$d/fill" | cut -f1) MiB" ;; *) token "$name" FAILED "$(echo "$out" | tail -1)" ;; esac
  fi
done
sleep 1000 </tmp/fill &
probe_end
