;; sleep_ms(n): one relative monotonic-clock subscription through poll_oneoff, as wasi-libc's nanosleep does.
;; Returns poll_oneoff's errno; writes "slept\n" on success.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 512) "slept\n")
  ;; subscription at 0 (48 bytes), event at 64 (32 bytes), nevents at 128, iovec at 256
  (func (export "sleep_ms") (param $ms i64) (result i32)
    (local $errno i32)
    (i64.store (i32.const 0) (i64.const 0x1234))                        ;; userdata
    (i32.store8 (i32.const 8) (i32.const 0))                            ;; tag: clock
    (i32.store (i32.const 16) (i32.const 1))                            ;; clock id: monotonic
    (i64.store (i32.const 24) (i64.mul (local.get $ms) (i64.const 1000000)))  ;; timeout, ns
    (i64.store (i32.const 32) (i64.const 0))                            ;; precision
    (i32.store16 (i32.const 40) (i32.const 0))                          ;; flags: relative
    (local.set $errno (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
    (if (i32.and (i32.eqz (local.get $errno))
                 (i32.and (i32.eq (i32.load (i32.const 128)) (i32.const 1))
                          (i64.eq (i64.load (i32.const 64)) (i64.const 0x1234))))
      (then
        (i32.store (i32.const 256) (i32.const 512))
        (i32.store (i32.const 260) (i32.const 6))
        (drop (call $fd_write (i32.const 1) (i32.const 256) (i32.const 1) (i32.const 300)))))
    (local.get $errno)))
