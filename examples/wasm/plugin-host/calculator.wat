;; A calculator plugin. It imports exactly one capability, env::add, and nothing else: no WASI, so no files,
;; no clock, no random, no environment, no output. All it can do is compute with numbers and call add.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  ;; sum3(a, b, c) = add(add(a, b), c)
  (func (export "sum3") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (call $add (call $add (local.get $a) (local.get $b)) (local.get $c)))
  ;; times(a, n) = a added to itself n times, through the host
  (func (export "times") (param $a i32) (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $acc (call $add (local.get $acc) (local.get $a)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
