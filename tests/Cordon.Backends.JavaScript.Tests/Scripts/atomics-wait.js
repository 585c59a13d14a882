// Atomics.wait on a shared buffer nobody will notify: blocks the calling thread for ever where agents may suspend.
const cell = new Int32Array(new SharedArrayBuffer(8));
console.log(Atomics.wait(cell, 0, 0));
