;; Writes 7 bytes that are not valid UTF-8 (a lone continuation byte, a truncated sequence, 0xFF, an overlong NUL)
;; to stdout and the same bytes reversed to stderr, then exits 0.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "\80\e2\82\ff\c0\80\00")
  (data (i32.const 200) "\00\80\c0\ff\82\e2\80")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 7))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (i32.store (i32.const 0) (i32.const 200))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))))
