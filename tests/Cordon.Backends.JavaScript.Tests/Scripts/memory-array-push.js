// Keeps every chunk reachable: 100 000 elements at a time.
const keep = [];
for (;;) keep.push(new Array(100000).fill(1));
