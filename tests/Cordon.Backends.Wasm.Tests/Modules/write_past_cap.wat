;; Writes 1000 bytes of 'A' to stdout in ten writes of 100, then "done" to stderr, then exits 3: what happens
;; after a stream passes its cap.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 300) "done")
  (func (export "_start")
    (local $i i32)
    (memory.fill (i32.const 100) (i32.const 65) (i32.const 100))
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 100))
    (block $done
      (loop $write
        (br_if $done (i32.ge_u (local.get $i) (i32.const 10)))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $write)))
    (i32.store (i32.const 0) (i32.const 300))
    (i32.store (i32.const 4) (i32.const 4))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))
    (call $proc_exit (i32.const 3))))
