;; Creates "big" in the first preopened directory and writes 1 MiB into it in 16 KiB writes; exit 10/20 on a WASI error.
(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "big")
  (func (export "_start") (local $fd i32) (local $i i32) (local $err i32)
    (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 1) (i64.const 536870911) (i64.const 536870911) (i32.const 0) (i32.const 16)))
    (if (local.get $err) (then (call $exit (i32.const 10))))
    (local.set $fd (i32.load (i32.const 16)))
    (i32.store (i32.const 32) (i32.const 4096))
    (i32.store (i32.const 36) (i32.const 16384))
    (loop $w
      (local.set $err (call $fd_write (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 40)))
      (if (local.get $err) (then (call $exit (i32.const 20))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $w (i32.lt_u (local.get $i) (i32.const 64))))
    (call $exit (i32.const 0))))
