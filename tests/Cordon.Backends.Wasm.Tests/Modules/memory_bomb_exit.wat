;; Hostile: grows linear memory 16 pages at a time until refused, then exits 1 like a C program whose malloc failed.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    (call $exit (i32.const 1))))
