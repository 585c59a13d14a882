// cordon run --tier js -- examples/js/hello.js [NAME...]
// Runs in Cordon's JavaScript tier: the ECMAScript standard library plus console, args and env, nothing else.
const who = args.length > 0 ? args.join(' ') : 'world';
console.log(`hello, ${who}, from ${typeof require === 'undefined' ? 'a script with no require' : 'somewhere odd'}`);
console.log(`2 ** 64 = ${2n ** 64n}`);
