;; Calls the granted env::divide with a zero divisor; the host function throws.
(module
  (import "env" "divide" (func $divide (param i32 i32) (result i32)))
  (func (export "run") (result i32) (call $divide (i32.const 1) (i32.const 0))))
