// Every global that would be a door in Node, Deno or a browser. Each is tried for real; the script reports what it got.
const results = {};
const attempts = {
  require: () => require('child_process').execSync('id'),
  process: () => process.env.HOME,
  fetch: () => fetch('http://127.0.0.1/'),
  XMLHttpRequest: () => new XMLHttpRequest(),
  WebSocket: () => new WebSocket('ws://127.0.0.1/'),
  WebAssembly: () => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
  setTimeout: () => setTimeout(() => {}, 0),
  Deno: () => Deno.readTextFileSync('/etc/passwd'),
  document: () => document.cookie,
  readFile: () => readFile('/etc/passwd'),
  importScripts: () => importScripts('http://127.0.0.1/x.js'),
};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    attempt();
    results[name] = 'OPEN';
  } catch (e) {
    results[name] = `${e.name}: ${e.message}`;
  }
}
results.typeofs = ['require', 'process', 'fetch', 'XMLHttpRequest', 'WebAssembly', 'setTimeout', 'Deno', 'window', 'document', 'navigator', 'globalThis.ShadowRealm']
  .map((n) => `${n}=${eval(`typeof ${n}`)}`).join(' ');
import('fs').then(
  () => { results.import = 'OPEN'; },
  (e) => { results.import = e instanceof Error ? `${e.name}: ${e.message}` : `rejected with ${typeof e}: ${String(e)}`; },
).finally(() => console.log(JSON.stringify(results)));
