// The "break out of the browser" demo: every snippet runs in this page and, unchanged, in Cordon's JavaScript tier.
'use strict';

// Another origin on the same server: same host, different name, so the browser treats it as another site.
const OTHER = location.protocol === 'http:'
  ? `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}/`
  : 'http://localhost:8787/';

const SNIPPETS = [
  { id: 'file-fetch', door: 'read a local file (file:// fetch)', code:
`const response = await fetch('file:///etc/passwd');
return (await response.text()).slice(0, 60);` },
  { id: 'file-input', door: 'read a local file (a file picker without a user)', code:
`if (typeof showOpenFilePicker !== 'function') {
  const input = document.createElement('input');
  input.type = 'file';
  input.click();
  return 'clicked a file input: ' + input.files.length + ' files';
}
const [handle] = await showOpenFilePicker();
return (await handle.getFile()).text();` },
  { id: 'raw-socket', door: 'open a raw TCP socket', code:
`const socket = new TCPSocket('127.0.0.1', 22);
await socket.opened;
return 'connected to ssh';` },
  { id: 'cross-origin-fetch', door: 'fetch another origin and read the response', code:
`const response = await fetch(OTHER + 'walls/secret.txt');
return await response.text();` },
  { id: 'cross-origin-frame', door: "read another origin's frame", code:
`const frame = document.createElement('iframe');
frame.src = OTHER + 'walls/secret.html';
document.body.append(frame);
await new Promise((resolve) => { frame.onload = resolve; });
return frame.contentWindow.document.body.innerText;` },
  { id: 'other-cookie', door: "read another site's cookie", code:
`const cookies = document.cookie;
if (cookies.includes('other-site-session')) return 'READ the other site\\'s session: ' + cookies;
throw new Error('document.cookie holds this origin\\'s cookies only (' + JSON.stringify(cookies) + '); the other site\\'s session is not there');` },
  { id: 'launch-program', door: 'launch a program', code:
`const shell = new ActiveXObject('WScript.Shell');
shell.Run('calc.exe');
return 'launched';` },
  { id: 'memory-bomb', door: 'exhaust memory', worker: true, cordonTime: '10s', code:
`let s = 'x';
for (;;) s += s;` },
  { id: 'infinite-loop', door: 'burn CPU for ever', worker: true, code:
`for (;;) { }` },
  { id: 'redos', door: 'ReDoS: catastrophic backtracking', worker: true, code:
`return /(a+)+$/.test('a'.repeat(40) + '!');` },
  { id: 'atomics-wait', door: 'block the thread (Atomics.wait)', code:
`const cell = new Int32Array(new SharedArrayBuffer(8));
return Atomics.wait(cell, 0, 0);` },
  { id: 'timing', door: 'a high-resolution timer (timing side channels)', code:
`const start = performance.now();
let last = start, step = Infinity;
while (performance.now() - start < 50) {
  const now = performance.now();
  if (now > last) { step = Math.min(step, now - last); last = now; }
}
if (step < 0.001) return 'a ' + step + ' ms timer: fine enough to time cache hits';
throw new Error('performance.now() is coarsened to ' + step.toFixed(3) + ' ms steps; timing a cache hit needs nanoseconds');` },
];

const WORKER_BUDGET_MS = 1500;
const AsyncFunction = (async () => {}).constructor;

function source(snippet) {
  return snippet.code.replaceAll('OTHER', JSON.stringify(OTHER));
}

/** Runs a snippet in this page (or in a worker the page can terminate) and reports how the browser refused it. */
async function runInBrowser(snippet) {
  if (snippet.worker) return runInWorker(source(snippet));
  try {
    const value = await new AsyncFunction(source(snippet))();
    return { refused: false, how: 'NOT refused', text: `returned: ${String(value).slice(0, 200)}` };
  } catch (e) {
    return { refused: true, how: 'refused', text: `${e.name}: ${e.message}` };
  }
}

function runInWorker(code) {
  const body = `(async () => { ${code} })().then(
    (v) => postMessage({ refused: false, text: 'returned: ' + String(v) }),
    (e) => postMessage({ refused: true, text: e.name + ': ' + e.message }));`;
  const worker = new Worker(URL.createObjectURL(new Blob([body], { type: 'text/javascript' })));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.terminate();
      resolve({ refused: true, how: 'stopped by the page', text: `still running after ${WORKER_BUDGET_MS} ms: the page terminated its worker (the browser sets no time limit of its own; on the page's main thread the tab would hang)` });
    }, WORKER_BUDGET_MS);
    worker.onmessage = (e) => { clearTimeout(timer); worker.terminate(); resolve({ how: e.data.refused ? 'refused' : 'NOT refused', ...e.data }); };
    worker.onerror = (e) => { clearTimeout(timer); worker.terminate(); resolve({ refused: true, how: 'refused', text: e.message }); };
  });
}

/** Runs the same source in Cordon's JS tier through the playground and reports Cordon's verdict and denials. */
async function runInCordon(snippet) {
  const wrapped = `(async () => {\n${source(snippet)}\n})().then(
  (v) => console.log('returned: ' + String(v)),
  (e) => console.error('rejected: ' + (e && e.name) + ': ' + (e && e.message)));`;
  let result;
  try {
    result = await runOnServer({ tier: 'js', source: wrapped, time: snippet.cordonTime ?? '1s', memory: '64M' });
  } catch (e) {
    return { refused: false, how: 'not run', text: `the Cordon column needs cordon playground (${e.message})` };
  }
  const rejected = result.stderr.startsWith('rejected: ');
  const refused = result.outcome !== 'exited' || result.exitCode !== 0 || result.denials.length > 0 || rejected;
  const lines = [`${result.outcome}${result.limit ? ` (limit: ${result.limit})` : ''}${result.detail ? ` · ${result.detail}` : ''}`];
  for (const d of result.denials) lines.push(`denied: ${d}`);
  if (rejected) lines.push(result.stderr.trim());
  else if (result.stdout) lines.push(result.stdout.trim());
  return { refused, how: refused ? 'refused' : 'NOT refused', text: lines.join('\n') };
}

/** POSTs a run and reads the Server-Sent Events until the result. */
async function runOnServer(request) {
  const response = await fetch('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name === 'result') return JSON.parse(data);
      if (name === 'error') throw new Error(JSON.parse(data).error);
    }
  }
  throw new Error('the stream ended without a result');
}

function show(cell, outcome) {
  cell.textContent = '';
  const how = document.createElement('span');
  how.className = 'how';
  how.textContent = outcome.how;
  const text = document.createElement('pre');
  text.textContent = outcome.text;
  cell.append(how, text);
  cell.dataset.refused = String(outcome.refused);
  cell.dataset.done = 'true';
}

function render() {
  const body = document.querySelector('#walls tbody');
  for (const s of SNIPPETS) {
    const row = document.createElement('tr');
    row.id = `row-${s.id}`;
    row.innerHTML = `<td class="door"></td><td><pre class="code"></pre></td><td class="outcome browser" id="browser-${s.id}">not run</td><td class="outcome cordon" id="cordon-${s.id}">not run</td>`;
    row.querySelector('.door').textContent = s.door;
    row.querySelector('.code').textContent = s.code;
    body.append(row);
  }
}

async function runAll() {
  const summary = document.getElementById('summary');
  summary.textContent = 'running...';
  let refused = 0;
  for (const s of SNIPPETS) {
    const [inBrowser, inCordon] = await Promise.all([runInBrowser(s), runInCordon(s)]);
    show(document.getElementById(`browser-${s.id}`), inBrowser);
    show(document.getElementById(`cordon-${s.id}`), inCordon);
    refused += (inBrowser.refused ? 1 : 0) + (inCordon.refused ? 1 : 0);
  }
  summary.textContent = `${refused} of ${2 * SNIPPETS.length} attempts refused`;
  document.body.dataset.done = 'true';
}

render();
document.getElementById('run-all').addEventListener('click', runAll);
