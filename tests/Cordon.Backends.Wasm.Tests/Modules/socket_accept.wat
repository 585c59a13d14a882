;; Hostile: tries to accept a connection on descriptors 3..9 (preview 1 can only use preopened sockets; none are
;; given). Exits with the errno of the last attempt, or 99 if any attempt succeeded.
(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $fd i32) (local $errno i32)
    (local.set $fd (i32.const 3))
    (block $end (loop $next
      (br_if $end (i32.gt_u (local.get $fd) (i32.const 9)))
      (local.set $errno (call $accept (local.get $fd) (i32.const 0) (i32.const 0)))
      (if (i32.eqz (local.get $errno)) (then (call $exit (i32.const 99))))
      (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
      (br $next)))
    (call $exit (local.get $errno))))
