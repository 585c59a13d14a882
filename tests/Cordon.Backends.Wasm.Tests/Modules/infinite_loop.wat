;; Hostile: spins forever without a single call. Only epoch interruption can stop it.
(module
  (func (export "_start")
    (loop $spin (br $spin))))
