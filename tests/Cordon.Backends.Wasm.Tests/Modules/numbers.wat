;; A core module with no _start: exported functions for --invoke, and deliberate traps.
(module
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mul64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "half") (param f64) (result f64) (f64.div (local.get 0) (f64.const 2)))
  (func (export "scale") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 1.5)))
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_s (local.get 0) (local.get 1)) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "nothing"))
  (func (export "takes_ref") (param externref))
  (func (export "unreachable") unreachable)
  (func (export "out_of_bounds") (result i32) (i32.load (i32.const 0x7ffffff0)))
  (func (export "divide") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
