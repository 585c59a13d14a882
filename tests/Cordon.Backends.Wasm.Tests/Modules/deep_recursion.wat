;; Hostile: unbounded recursion with a stack frame of locals; must trap with stack_overflow, not crash the host.
(module
  (func $down (param $n i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64)
    (local.set $a (i64.add (local.get $n) (i64.const 1)))
    (i64.add (call $down (local.get $a)) (local.get $a)))
  (func (export "_start")
    (drop (call $down (i64.const 0)))))
