;; Opens argv[1] relative to the first preopened directory (fd 3), following symlinks, creating and truncating it,
;; and writes "written\n" into it. Exits with the WASI errno of path_open (0 on success).
;; Used hostile ("../victim.txt", a symlink out, an absolute path) and benign (a file inside a writable mount).
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "written\n")
  ;; 0: argc, 4: argv buf size, 16: iovec, 32: opened fd, 1024: argv pointers, 2048: argv strings
  (func (export "_start")
    (local $path i32) (local $len i32) (local $errno i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (if (i32.lt_u (i32.load (i32.const 0)) (i32.const 2)) (then (call $exit (i32.const 100))))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (local.set $path (i32.load (i32.const 1028)))
    (block $end (loop $scan
      (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $path) (local.get $len)))))
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (br $scan)))
    ;; dirflags 1 = follow symlinks; oflags 9 = CREAT | TRUNC; rights: read + write and everything else
    (local.set $errno (call $path_open (i32.const 3) (i32.const 1) (local.get $path) (local.get $len)
      (i32.const 9) (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 32)))
    (if (i32.eqz (local.get $errno)) (then
      (i32.store (i32.const 16) (i32.const 200))
      (i32.store (i32.const 20) (i32.const 8))
      (drop (call $fd_write (i32.load (i32.const 32)) (i32.const 16) (i32.const 1) (i32.const 40)))))
    (call $exit (local.get $errno))))
