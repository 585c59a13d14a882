;; Writes "ready\n" to stdout, then spins without a call (or, with argument "sleep", sleeps an hour in
;; poll_oneoff): output the caller can only see if it is delivered while the module still runs.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "ready\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (drop (call $args_sizes_get (i32.const 20) (i32.const 24)))
    (if (i32.ge_u (i32.load (i32.const 20)) (i32.const 2))
      (then
        ;; one relative monotonic-clock subscription of an hour at 512, event at 576, nevents at 640
        (i32.store8 (i32.const 520) (i32.const 0))
        (i32.store (i32.const 528) (i32.const 1))
        (i64.store (i32.const 536) (i64.const 3600000000000))
        (drop (call $poll (i32.const 512) (i32.const 576) (i32.const 1) (i32.const 640)))))
    (loop $spin (br $spin))))
