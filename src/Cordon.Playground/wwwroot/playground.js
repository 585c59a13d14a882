'use strict';

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
};

function fillExamples() {
  const select = document.getElementById('example');
  for (const [tier, examples] of Object.entries(EXAMPLES)) {
    for (const name of Object.keys(examples)) {
      const option = document.createElement('option');
      option.value = `${tier}/${name}`;
      option.textContent = `${tier}: ${name}`;
      select.append(option);
    }
  }
  document.getElementById('source').value = EXAMPLES.js.hello;
}

async function loadTiers() {
  const { tiers } = await (await fetch('/api/tiers')).json();
  const box = document.getElementById('tiers');
  for (const tier of tiers) {
    const button = document.createElement('button');
    button.type = 'button';
    button.id = `run-${tier.name}`;
    button.dataset.tier = tier.name;
    button.textContent = `Run (${tier.name})`;
    button.title = tier.detail;
    button.disabled = !tier.available;
    button.addEventListener('click', () => run(tier.name));
    box.append(button);
  }
  document.body.dataset.tiers = tiers.filter((t) => t.available).map((t) => t.name).join(' ');
}

async function run(tier) {
  const output = document.getElementById('output');
  const verdict = document.getElementById('verdict');
  output.textContent = '';
  verdict.textContent = 'running...';
  delete verdict.dataset.outcome;
  delete verdict.dataset.ok;
  document.body.dataset.state = 'running';
  document.getElementById('denials').textContent = '';
  const statements = document.getElementById('statements').value.trim();
  const request = {
    tier,
    source: document.getElementById('source').value,
    time: document.getElementById('time').value.trim() || null,
    memory: document.getElementById('memory').value.trim() || null,
    statements: statements ? Number(statements) : null,
  };
  try {
    const response = await fetch('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) });
    if (!response.ok) throw new Error((await response.json()).error);
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
        if (name === 'output') append(output, data.stream, data.text);
        else if (name === 'result') showResult(data);
        else if (name === 'error') throw new Error(data.error);
      }
    }
  } catch (e) {
    verdict.textContent = `could not run: ${e.message}`;
    verdict.dataset.outcome = 'setup_error';
    verdict.dataset.ok = 'false';
  }
  document.body.dataset.state = 'done';
}

function append(output, stream, text) {
  const span = document.createElement('span');
  span.className = stream;
  span.textContent = text;
  output.append(span);
}

function showResult(r) {
  const verdict = document.getElementById('verdict');
  verdict.dataset.outcome = r.outcome;
  verdict.dataset.ok = String(r.outcome === 'exited' && r.exitCode === 0);
  verdict.textContent = `${r.tier}: ${r.outcome}${r.exitCode !== null ? ` (exit ${r.exitCode})` : ''}${r.limit ? ` · limit: ${r.limit}` : ''}`
    + `${r.detail ? ` · ${r.detail}` : ''} · ${r.wallTimeMs} ms${r.stdoutTruncated ? ` · stdout truncated (${r.stdoutBytes} bytes written)` : ''}`;
  const denials = document.getElementById('denials');
  for (const d of [...r.denials, ...r.warnings.map((w) => `warning: ${w}`)]) {
    const li = document.createElement('li');
    li.textContent = d;
    denials.append(li);
  }
  const audit = [`$ ${r.audit.policy}`, `overall exposure ${r.audit.score.toFixed(1)} / 10 (${r.audit.rating})`];
  for (const d of r.audit.dimensions) {
    audit.push(`${d.name.padEnd(18)} ${d.exposure.toFixed(1)}`);
    for (const f of d.findings) audit.push(`  [${f.severity}] ${f.title}${f.fix && f.severity !== 'info' ? `\n      fix: ${f.fix}` : ''}`);
  }
  document.getElementById('audit').textContent = audit.join('\n');
}

document.getElementById('example').addEventListener('change', (e) => {
  const [tier, name] = e.target.value.split('/');
  document.getElementById('source').value = EXAMPLES[tier][name];
});
fillExamples();
loadTiers();
