;; Calls the granted host function env::here once, so the host can see which thread runs the module.
(module
  (import "env" "here" (func $here (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $here))))
