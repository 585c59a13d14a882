;; Declares 2 MiB of initial memory (32 pages): instantiation itself exceeds a 1 MiB limit.
(module
  (memory (export "memory") 32)
  (func (export "_start")))
