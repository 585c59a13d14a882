'use strict';

const SAMPLES = {
  python3: 'print("hello from the Cordon service")\nimport os\nprint(os.getuid(), os.getcwd(), os.listdir("."))',
  node: 'console.log("hello from node", process.version);',
  bash: 'echo "hello from bash: $(id -u) in $(pwd)"; cat /etc/shadow; echo "exit $?"',
  c: '#include <stdio.h>\nint main(void) { puts("hello from C"); return 0; }',
  'c++': '#include <iostream>\nint main() { std::cout << "hello from C++\\n"; }',
  js: 'console.log("hello from the JavaScript tier");',
};

function headers() {
  const key = document.getElementById('key').value.trim();
  const h = { 'Content-Type': 'application/json' };
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function loadRuntimes() {
  const select = document.getElementById('runtime');
  const response = await fetch('/v1/runtimes', { headers: headers() });
  if (!response.ok) {
    document.getElementById('verdict').textContent = `runtimes: ${(await response.json()).detail}`;
    return;
  }
  select.textContent = '';
  for (const r of await response.json()) {
    if (r.name === 'wasm') continue; // a module is uploaded as base64, not typed
    const option = document.createElement('option');
    option.value = r.name;
    option.dataset.entry = r.entry;
    option.textContent = `${r.name} ${r.version} (${r.tier})`;
    select.append(option);
  }
  document.body.dataset.runtimes = [...select.options].map((o) => o.value).join(' ');
}

async function run() {
  const output = document.getElementById('output');
  const verdict = document.getElementById('verdict');
  const denials = document.getElementById('denials');
  output.textContent = '';
  denials.textContent = '';
  verdict.textContent = 'running...';
  delete verdict.dataset.outcome;
  document.body.dataset.state = 'running';
  const option = document.getElementById('runtime').selectedOptions[0];
  const time = Number(document.getElementById('time').value.trim());
  const request = {
    runtime: option.value,
    files: [{ path: option.dataset.entry, content: document.getElementById('source').value }],
    stdin: document.getElementById('stdin').value,
    limits: time > 0 ? { timeMs: time } : undefined,
  };
  try {
    const accepted = await fetch('/v1/runs', { method: 'POST', headers: headers(), body: JSON.stringify(request) });
    const body = await accepted.json();
    if (!accepted.ok) throw new Error(body.detail);
    const events = await fetch(body.events, { headers: headers() });
    const reader = events.body.getReader();
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
        if (name === 'output') append(output, data.stream, data.text);
        else if (name === 'violation') item(denials, `${data.phase}: ${data.syscall} refused (${data.action})`);
        else if (name === 'limit') item(denials, `${data.phase}: limit ${data.limit}: ${data.detail}`);
        else if (name === 'done') show(data);
      }
    }
  } catch (e) {
    verdict.textContent = `could not run: ${e.message}`;
    verdict.dataset.outcome = 'setup_error';
  }
  document.body.dataset.state = 'done';
}

function show(view) {
  const verdict = document.getElementById('verdict');
  const r = view.run ?? view.compile;
  verdict.dataset.outcome = r?.outcome ?? view.state;
  verdict.textContent = r
    ? `${view.state} · ${r.outcome} · ${r.reason}${r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''} · ${Math.round(r.wallTimeMs)} ms${r.detail ? ` · ${r.detail}` : ''}`
    : view.state;
  if (view.state === 'compile_failed') append(document.getElementById('output'), 'stderr', view.compile.stderr);
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

document.getElementById('runtime').addEventListener('change', (e) => {
  document.getElementById('source').value = SAMPLES[e.target.value] ?? '';
});
document.getElementById('key').addEventListener('change', loadRuntimes);
document.getElementById('run').addEventListener('click', run);
loadRuntimes();
