;; Imports a host function nobody granted.
(module
  (import "env" "read_secret" (func $secret (result i64)))
  (func (export "_start")
    (drop (call $secret))))
