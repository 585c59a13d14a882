;; A WASI preview 1 command that prints "hello" and returns from _start (exit code 0).
;; hello.wasm next to this file (and examples/hello.wasm) is this text compiled with Wasmtime's wat parser;
;; tests/Cordon.Backends.Wasm.Tests checks that the binaries still match it.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec { buf = 16, len = 6 } at 0; the byte count written goes to 8
  (data (i32.const 0) "\10\00\00\00\06\00\00\00")
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
