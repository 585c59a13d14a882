;; The smallest WASI command: returns from _start at once. Used to measure warm per-run cost.
(module
  (memory (export "memory") 1)
  (func (export "_start")))
