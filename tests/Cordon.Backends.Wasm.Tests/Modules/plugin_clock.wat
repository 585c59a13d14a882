;; A plugin that also wants the clock, which a plugin host granting only env::add does not give.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "sum3") (param i32 i32 i32) (result i32)
    (drop (call $clock (i32.const 0) (i64.const 1) (i32.const 0)))
    (call $add (call $add (local.get 0) (local.get 1)) (local.get 2))))
