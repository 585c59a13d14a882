// One statement, one huge block: 64 MiB buffers, kept.
const keep = [];
for (;;) keep.push(new ArrayBuffer(64 * 1024 * 1024));
