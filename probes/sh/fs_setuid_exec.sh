# fs-setuid-exec: find the set-id programs of the visible filesystem and use them to become root; none may
# raise our privileges (nosuid mounts and no_new_privs, either is enough).
. "$(dirname "$0")/probe.sh"
probe_begin
token no-new-privs "$(awk '/^NoNewPrivs:/ { print ($2 == 1 ? "SET" : "CLEAR") }' /proc/self/status)"
token usr-mount "$(awk '$5 == "/usr" { print ($6 ~ /(^|,)nosuid(,|$)/ ? "NOSUID" : "SUID") }' /proc/self/mountinfo)"
found=$(find /usr/bin /usr/sbin /usr/lib /usr/libexec -maxdepth 3 -type f \( -perm -4000 -o -perm -2000 \) 2>/dev/null | head -8 | tr '\n' ' ')
echo "set-id programs: $found"
out=$(su -c 'id -u' root </dev/null 2>&1); echo "su: $out"
case "$out" in 0) token su-id ROOT ;; *) token su-id DENIED ;; esac
out=$(newgrp root </dev/null 2>&1); echo "newgrp: $out"
out=$(sudo -n id -u </dev/null 2>&1); echo "sudo: $out"
case "$out" in 0) token sudo-id ROOT ;; *) token sudo-id DENIED ;; esac
# A set-id program would show its effective uid in its own status; read it while it waits on a pipe.
for f in $found; do
  sleep 5 | "$f" >/dev/null 2>&1 &
  pid=$!
  sleep 0.02
  euid=$(awk '/^Uid:/ { print $3 }' /proc/$pid/status 2>/dev/null)
  echo "$f euid=${euid:-gone}"
  [ "$euid" = 0 ] && token "euid-$(basename "$f")" ROOT
  kill $pid 2>/dev/null
done
token euid "$( [ "$(id -u)" = 0 ] && echo ROOT || echo UNCHANGED)" "uid=$(id -u) euid=$(awk '/^Uid:/ { print $3 }' /proc/self/status)"
probe_end
