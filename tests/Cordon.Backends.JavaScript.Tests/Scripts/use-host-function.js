// Uses the one granted host function, then probes it with wrong types and for anything behind it.
const out = [];
out.push(`add(2, 3) = ${add(2, 3)}`);
for (const bad of [['2', 3], [{ valueOf() { return 2; } }, 3], [1]]) {
  try { add(...bad); out.push('accepted'); } catch (e) { out.push(`${e.name}: ${e.message}`); }
}
out.push(`add.constructor === Function: ${add.constructor === Function}`);
out.push(`keys: ${JSON.stringify(Object.getOwnPropertyNames(add).sort())}`);
console.log(out.join('\n'));
