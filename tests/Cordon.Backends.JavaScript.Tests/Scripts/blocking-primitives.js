// One huge or blocking built-in per run, chosen by args[0]; every one must end within the run's limits.
const shapes = {
  'sort-sparse': () => { const a = new Array(2 ** 32 - 1); a[0] = 1; a.sort(); },
  'join-huge': () => Array(2 ** 31 - 1).join('x'),
  'json-deep': () => JSON.parse('['.repeat(100000) + ']'.repeat(100000)),
  'proxy-trap-loop': () => new Proxy({}, { get() { for (;;) { } } }).x,
  'temporal-loop': () => { let d = Temporal.PlainDate.from('2000-01-01'); for (;;) d = d.add({ days: 1 }).subtract({ days: 1 }); },
  'sab-grow': () => { const b = new SharedArrayBuffer(8, { maxByteLength: 2 ** 31 - 1 }); b.grow(2 ** 31 - 1); },
  'atomics-pause': () => { for (;;) Atomics.pause(2 ** 30); },
  'string-replace-all': () => 'a'.repeat(2 ** 14).replaceAll('a', 'b'.repeat(2 ** 14)),
  'array-from-huge': () => Array.from({ length: 2 ** 30 }, (_, i) => i),
  'fill-huge': () => new Array(2 ** 26).fill(0),
  'regex-replace-redos': () => ('a'.repeat(40) + '!').replace(/^(a+)+$/, 'x'),
};
shapes[args[0]]();
console.log('returned');
