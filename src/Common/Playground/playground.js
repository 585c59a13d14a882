'use strict';

// One page for both hosts of the playground: `cordon playground` (its own API: /api/tiers, /api/run, a button per
// tier, the policy's audit) and `cordon serve --playground` (the service's /v1 API: a button per runtime, stdin, an
// API key). Which one served it is found by asking for /api/tiers, which only the standalone playground answers.
// Everything the guest writes is shown with textContent, never parsed as HTML.

const EXAMPLES = {
  js: {
    hello: "console.log('hello from the JavaScript tier');\nconsole.log('args:', JSON.stringify(args), 'env:', JSON.stringify(env));",
    'infinite loop': 'for (;;) { }',
    'memory bomb': "let s = 'x';\nfor (;;) s += s;",
    'the doors of Node': "for (const door of ['require', 'process', 'fetch', 'setTimeout', 'WebAssembly']) {\n  try { eval(door); console.log(door, 'OPEN'); } catch (e) { console.log(door, '->', e.name); }\n}",
    ReDoS: "console.log(/(a+)+$/.test('a'.repeat(40) + '!'));",
  },
  wasm: {
    hello: '(module\n  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))\n  (memory (export "memory") 1)\n  (data (i32.const 16) "hello from the Wasm tier\\n")\n  (func (export "_start")\n    (i32.store (i32.const 0) (i32.const 16))\n    (i32.store (i32.const 4) (i32.const 25))\n    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))',
    'infinite loop': '(module (func (export "_start") (loop $l (br $l))))',
  },
  process: {
    hello: 'echo "hello from the process tier: $(id -u) in $(pwd)"; ls / | head',
    'read a host secret': 'cat /etc/shadow; cat ~/.ssh/id_rsa; echo "exit $?"',
    'fork bomb': 'b() { b | b & }; b',
  },
  python3: {
    hello: 'print("hello from the Cordon service")\nimport os\nprint(os.getuid(), os.getcwd(), os.listdir("."))',
    'read a host secret': 'print(open("/etc/shadow").read())',
  },
  node: { hello: 'console.log("hello from node", process.version);' },
  bash: {
    hello: 'echo "hello from bash: $(id -u) in $(pwd)"; cat /etc/shadow; echo "exit $?"',
    'fork bomb': 'b() { b | b & }; b',
  },
  c: { hello: '#include <stdio.h>\nint main(void) { puts("hello from C"); return 0; }' },
  'c++': { hello: '#include <iostream>\nint main() { std::cout << "hello from C++\\n"; }' },
};

// The host's API: set by detect() to STANDALONE or SERVICE.
let host = null;

const STANDALONE = {
  name: 'standalone',

  // A button per tier, disabled where the host lacks it; every tier's examples.
  async load() {
    const { tiers } = await (await fetch('/api/tiers')).json();
    fillExamples(Object.keys(EXAMPLES).filter((way) => tiers.some((t) => t.name === way)));
    const box = document.getElementById('tiers');
    for (const tier of tiers) {
      box.append(runButton(tier.name, tier.name, tier.detail, !tier.available));
    }
    document.body.dataset.tiers = tiers.filter((t) => t.available).map((t) => t.name).join(' ');
  },

  // The run's events come back on the POST itself; its last event is the result with the denials and the audit.
  async run(tier, frame) {
    const statements = document.getElementById('statements').value.trim();
    const request = {
      tier,
      source: document.getElementById('source').value,
      time: document.getElementById('time').value.trim() || null,
      memory: document.getElementById('memory').value.trim() || null,
      statements: statements ? Number(statements) : null,
    };
    const response = await fetch('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) });
    if (!response.ok) throw new Error((await response.json()).error);
    await readEvents(response, (name, data) => {
      if (name === 'output') frame.output(data.stream, data.text);
      else if (name === 'result') showResult(data);
      else if (name === 'error') throw new Error(data.error);
    });
  },
};

const SERVICE = {
  name: 'service',

  // A button per runtime the key may list (wasm takes a base64 module, not typed text); their examples.
  async load() {
    const box = document.getElementById('tiers');
    box.textContent = '';
    const response = await fetch('/v1/runtimes', { headers: serviceHeaders() });
    if (!response.ok) {
      document.getElementById('verdict').textContent = `runtimes: ${(await response.json()).detail}`;
      return;
    }
    const runtimes = (await response.json()).filter((r) => r.name !== 'wasm');
    fillExamples(runtimes.map((r) => r.name).filter((name) => name in EXAMPLES));
    for (const r of runtimes) {
      const button = runButton(r.name, r.name.replace(/\+/g, 'p'), `${r.name} ${r.version} on the ${r.tier} tier`, false);
      button.dataset.entry = r.entry;
      box.append(button);
    }
    document.body.dataset.runtimes = runtimes.map((r) => r.name).join(' ');
  },

  // POST /v1/runs answers 202 with the run's events URL; its frames end with done, the run's state and documents.
  async run(runtime, frame, button) {
    const limits = {};
    const time = milliseconds(document.getElementById('time').value);
    const memory = bytes(document.getElementById('memory').value);
    if (time) limits.timeMs = time;
    if (memory) limits.memoryBytes = memory;
    const request = {
      runtime,
      files: [{ path: button.dataset.entry, content: document.getElementById('source').value }],
      stdin: document.getElementById('stdin').value,
      limits,
    };
    const accepted = await fetch('/v1/runs', { method: 'POST', headers: serviceHeaders(), body: JSON.stringify(request) });
    const body = await accepted.json();
    if (!accepted.ok) throw new Error(body.detail);
    const events = await fetch(body.events, { headers: serviceHeaders() });
    await readEvents(events, (name, data) => {
      if (name === 'output') frame.output(data.stream, data.text);
      else if (name === 'violation') frame.denial(`${data.phase}: ${data.syscall} refused (${data.action})`);
      else if (name === 'limit') frame.denial(`${data.phase}: limit ${data.limit}: ${data.detail}`);
      else if (name === 'done') showView(data);
    });
  },
};

async function detect() {
  try {
    const probe = await fetch('/api/tiers');
    if (probe.ok) return STANDALONE;
  } catch {
    // not the standalone playground
  }
  return SERVICE;
}

function serviceHeaders() {
  const key = document.getElementById('key').value.trim();
  const h = { 'Content-Type': 'application/json' };
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

// "2s", "500ms", "1m" -> milliseconds (null when empty or not a duration).
function milliseconds(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (!m) return null;
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60000 }[m[2] ?? 's']);
}

// "64M", "512K", "1G", "1048576" -> bytes (null when empty or not a size).
function bytes(text) {
  const m = /^\s*(\d+)\s*([KMG])?i?B?\s*$/i.exec(text);
  if (!m) return null;
  return Number(m[1]) * { K: 1024, M: 1048576, G: 1073741824 }[m[2]?.toUpperCase() ?? ''] || Number(m[1]);
}

function fillExamples(ways) {
  const select = document.getElementById('example');
  select.textContent = '';
  for (const way of ways) {
    for (const name of Object.keys(EXAMPLES[way])) {
      const option = document.createElement('option');
      option.value = `${way}/${name}`;
      option.textContent = `${way}: ${name}`;
      select.append(option);
    }
  }
  if (ways.length > 0) document.getElementById('source').value = EXAMPLES[ways[0]].hello;
}

function runButton(way, id, title, disabled) {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = `run-${id}`;
  button.dataset.way = way;
  button.textContent = `Run (${way})`;
  button.title = title;
  button.disabled = disabled;
  button.addEventListener('click', () => run(button));
  return button;
}

async function run(button) {
  const output = document.getElementById('output');
  const verdict = document.getElementById('verdict');
  const denials = document.getElementById('denials');
  output.textContent = '';
  denials.textContent = '';
  document.getElementById('audit').textContent = '';
  verdict.textContent = 'running...';
  delete verdict.dataset.outcome;
  delete verdict.dataset.ok;
  document.body.dataset.state = 'running';
  const frame = { output: (stream, text) => append(output, stream, text), denial: (text) => item(denials, text) };
  try {
    await host.run(button.dataset.way, frame, button);
  } catch (e) {
    verdict.textContent = `could not run: ${e.message}`;
    verdict.dataset.outcome = 'setup_error';
    verdict.dataset.ok = 'false';
  }
  document.body.dataset.state = 'done';
}

// Server-Sent Events from a fetch response: each block's event name and its JSON data, in order.
async function readEvents(response, onEvent) {
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
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
      onEvent(name, data);
    }
  }
}

function append(output, stream, text) {
  const span = document.createElement('span');
  span.className = stream;
  span.textContent = text;
  output.append(span);
}

function item(list, text) {
  const li = document.createElement('li');
  li.textContent = text;
  list.append(li);
}

// The standalone playground's result: the verdict, the denials and warnings, and the audit of the policy used.
function showResult(r) {
  const verdict = document.getElementById('verdict');
  verdict.dataset.outcome = r.outcome;
  verdict.dataset.ok = String(r.outcome === 'exited' && r.exitCode === 0);
  verdict.textContent = `${r.tier}: ${r.outcome}${r.exitCode !== null ? ` (exit ${r.exitCode})` : ''}${r.limit ? ` · limit: ${r.limit}` : ''}`
    + `${r.detail ? ` · ${r.detail}` : ''} · ${r.wallTimeMs} ms${r.stdoutTruncated ? ` · stdout truncated (${r.stdoutBytes} bytes written)` : ''}`;
  const denials = document.getElementById('denials');
  for (const d of [...r.denials, ...r.warnings.map((w) => `warning: ${w}`)]) item(denials, d);
  const audit = [`$ ${r.audit.policy}`, `overall exposure ${r.audit.score.toFixed(1)} / 10 (${r.audit.rating})`];
  for (const d of r.audit.dimensions) {
    audit.push(`${d.name.padEnd(18)} ${d.exposure.toFixed(1)}`);
    for (const f of d.findings) audit.push(`  [${f.severity}] ${f.title}${f.fix && f.severity !== 'info' ? `\n      fix: ${f.fix}` : ''}`);
  }
  document.getElementById('audit').textContent = audit.join('\n');
}

// The service's run view: its state and the run's (or the failed compile step's) result document.
function showView(view) {
  const verdict = document.getElementById('verdict');
  const r = view.run ?? view.compile;
  verdict.dataset.outcome = r?.outcome ?? view.state;
  verdict.dataset.ok = String(r?.outcome === 'exited' && r?.exitCode === 0 && view.state === 'finished');
  verdict.textContent = r
    ? `${view.tier}: ${view.state} · ${r.outcome} · ${r.reason}${r.exitCode !== undefined && r.exitCode !== null ? ` (exit ${r.exitCode})` : ''} · ${Math.round(r.wallTimeMs)} ms${r.detail ? ` · ${r.detail}` : ''}`
    : view.state;
  if (view.state === 'compile_failed') append(document.getElementById('output'), 'stderr', view.compile.stderr);
  for (const w of r?.warnings ?? []) item(document.getElementById('denials'), `warning: ${w}`);
}

document.getElementById('example').addEventListener('change', (e) => {
  const [way, ...name] = e.target.value.split('/');
  document.getElementById('source').value = EXAMPLES[way][name.join('/')];
});

detect().then((found) => {
  host = found;
  document.body.dataset.mode = host.name;
  for (const element of document.querySelectorAll(`[data-mode="${host.name}"]`)) element.hidden = false;
  if (host === SERVICE) document.getElementById('key').addEventListener('change', () => host.load());
  return host.load();
});
