// Drives /mcp on a running `cordon serve` over Streamable HTTP with the official TypeScript MCP client.
// Usage: node http-client.mjs URL KEY_A KEY_B SESSIONS_PER_KEY
// (two API keys of different tenants; the server runs with --mcp-sessions SESSIONS_PER_KEY).
// Prints one JSON line of what it saw; exits 1 with every failed check otherwise.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, keyA, keyB, sessionsText] = process.argv.slice(2);
const sessionsPerKey = Number(sessionsText);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

async function connect(key) {
  const headers = key === undefined ? {} : { Authorization: `Bearer ${key}` };
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "cordon-ts-http-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

// A JSON-RPC error of `code` whose message names `field` (in quotes, as the server writes it).
async function refused(promise, field, what, code = -32602) {
  try {
    await promise;
    failures.push(`${what}: no error`);
    return "";
  } catch (e) {
    check(e.code === code && e.message.includes(`'${field}'`), `${what}: ${e.code} ${e.message}`);
    return e.message;
  }
}

// No key, and a key the server does not know: HTTP 401 before any MCP message is handled.
for (const [key, what] of [[undefined, "no key"], ["not-a-key", "wrong key"]]) {
  try {
    await connect(key);
    failures.push(`${what}: connected`);
  } catch (e) {
    check(e.code === 401, `${what}: ${e.code} ${e.message}`);
  }
}

const a = await connect(keyA);
const b = await connect(keyB);
const run = async (client, args, options) => (await client.callTool({ name: "run", arguments: args }, undefined, options)).structuredContent;

const { tools } = await a.listTools();
const names = tools.map(t => t.name).sort();
check(JSON.stringify(names) === JSON.stringify(["audit_policy", "list_files", "read_file", "run", "session_run", "session_start", "session_stop", "write_file"]), `tools/list: ${names}`);
check(tools.every(t => t.inputSchema.additionalProperties === false), "every schema refuses unknown fields");

// Every runtime, and hostile code whose refusal is named and explained.
const hostile = await run(a, { runtime: "python", code: "import socket\ntry:\n  socket.socket()\nexcept OSError as e:\n  print('refused', e.errno)" });
check(hostile.result.schema === "cordon.result/1", "run returns the result document");
check(hostile.result.violations.some(v => v.syscall === "socket"), `the socket refusal is named: ${JSON.stringify(hostile.result.violations)}`);
check(hostile.explanations.some(l => l.includes("network is off")), "the socket refusal is explained");
check(hostile.untrusted.includes("untrusted"), "the output is marked untrusted");
for (const [args, stdout] of [
  [{ runtime: "shell", code: "echo $((6 * 7))" }, "42\n"],
  [{ runtime: "node", code: "console.log(6 * 7)" }, "42\n"],
  [{ runtime: "js", code: "console.log(6 * 7)" }, "42\n"],
  [{ tier: "process", argv: ["/bin/echo", "argv"] }, "argv\n"],
  [{ runtime: "python", code: "import sys; print(sys.stdin.read().upper(), end='')", stdin: "in" }, "IN"],
  [{ runtime: "shell", code: "cat data/a.txt", files: { "data/a.txt": "file" } }, "file"],
]) {
  const r = await run(a, args);
  check(r.result.stdout === stdout, `${JSON.stringify(args)}: ${r.result.reason} ${JSON.stringify(r.result.stdout)} ${r.result.stderr}`);
}
const wasm = await run(a, { runtime: "wasm", code: '(module (func (export "_start")))' });
check(wasm.result.tier === "wasm" && wasm.result.reason === "exit.success", `wasm: ${wasm.result.reason}`);

// Concurrent calls, from both keys at once: each its own workspace.
const concurrent = await Promise.all([0, 1, 2, 3, 4, 5].map(i => run(i % 2 ? b : a, { runtime: "shell", code: `echo ${i} > f${i}; ls` })));
concurrent.forEach((r, i) => check(r.result.stdout === `f${i}\n`, `concurrent run ${i}: ${JSON.stringify(r.result.stdout)}`));

// Each limit hit, named and explained.
const limitHits = [
  [{ runtime: "shell", code: "while :; do :; done", limits: { time: "1s" } }, r => r.result.reason === "limit.wall_time", "limits.time"],
  [{ runtime: "shell", code: "while :; do :; done", limits: { cpu: "1s", time: "20s" } }, r => r.result.reason === "limit.cpu_time", "limits.cpu"],
  [{ runtime: "shell", code: "yes | head -c 100000000", limits: { output: "4K" } }, r => r.result.stdoutTruncated, "stdout was cut"],
  [{ runtime: "python", code: "b = bytearray(200 * 1024 * 1024)\nprint(len(b))", limits: { memory: "32M" } }, r => r.result.reason === "limit.memory", "limits.memory"],
  [{ runtime: "shell", code: "for i in $(seq 1 50); do sleep 5 & done; wait", limits: { pids: 8, time: "20s" } }, r => r.result.processLimitHit, null],
  [{ runtime: "shell", code: "exec head -c 3000000 /dev/zero > big", limits: { fsize: "1M" } }, r => r.result.reason === "signal.25", "limits.fsize"],
  [{ runtime: "js", code: "for (;;) {}", limits: { statements: 100000 } }, r => r.result.reason.startsWith("limit."), null],
  [{ runtime: "wasm", code: '(module (func (export "_start") (loop (br 0))))', limits: { fuel: 100000 } }, r => r.result.reason === "limit.fuel", "limits.fuel"],
];
for (const [args, hit, explained] of limitHits) {
  const r = await run(a, args);
  check(hit(r), `${JSON.stringify(args.limits)}: ${r.result.reason} ${JSON.stringify(r.explanations)}`);
  check(explained === null ? r.explanations.length > 0 : r.explanations.some(l => l.includes(explained)), `${JSON.stringify(args.limits)} explained: ${JSON.stringify(r.explanations)}`);
}

// Above the ceiling, a door, a budget of another tier, malformed arguments: JSON-RPC errors naming the field.
await refused(run(a, { runtime: "shell", code: "true", limits: { memory: "64G" } }), "limits.memory", "memory above the ceiling");
await refused(run(a, { runtime: "shell", code: "true", limits: { time: "10m" } }), "limits.time", "time above the ceiling");
await refused(run(a, { runtime: "wasm", code: "(module)", limits: { fuel: 1e15 } }), "limits.fuel", "fuel above the ceiling");
await refused(run(a, { runtime: "shell", code: "true", limits: { fuel: 10 } }), "limits.fuel", "fuel on the process tier");
await refused(run(a, { runtime: "shell", code: "true", network: "host" }), "network", "a door");
await refused(run(a, { runtime: 7, code: "x" }), "runtime", "a number for runtime");
await refused(run(a, { tier: "process", argv: ["ls", 7] }), "argv[1]", "a number in argv");
await refused(run(a, { runtime: "shell", code: "x", files: { "../escape": "x" } }), "files.../escape", "a path outside the workspace");

// Sessions belong to the key that started them.
const { sessionId } = (await a.callTool({ name: "session_start", arguments: {} })).structuredContent;
await a.callTool({ name: "write_file", arguments: { session_id: sessionId, path: "in.txt", content: "abc" } });
const sessionRun = (await a.callTool({ name: "session_run", arguments: { session_id: sessionId, runtime: "shell", code: "tr a-z A-Z < in.txt > out.txt" } })).structuredContent;
check(sessionRun.sessionId === sessionId && sessionRun.result.exitCode === 0, `session_run: ${JSON.stringify(sessionRun.result.reason)}`);
const read = (await a.callTool({ name: "read_file", arguments: { session_id: sessionId, path: "out.txt" } })).structuredContent;
check(read.content === "ABC", `read_file: ${read.content}`);
const listed = (await a.callTool({ name: "list_files", arguments: { session_id: sessionId } })).structuredContent;
check(listed.files.length === 2, `list_files: ${JSON.stringify(listed.files)}`);
for (const [tool, extra] of [["session_run", { runtime: "shell", code: "cat in.txt" }], ["read_file", { path: "in.txt" }], ["write_file", { path: "x", content: "x" }], ["list_files", {}], ["session_stop", {}]]) {
  const message = await refused(b.callTool({ name: tool, arguments: { session_id: sessionId, ...extra } }), "session_id", `key B's ${tool} on key A's session`);
  check(!message.includes("abc"), `${tool}: nothing of the session leaks`);
}
const stillThere = (await a.callTool({ name: "read_file", arguments: { session_id: sessionId, path: "in.txt" } })).structuredContent;
check(stillThere.content === "abc", "key A's session is untouched by key B");

// At most SESSIONS_PER_KEY sessions per key: A's next one is refused, while B can still start its own.
const more = [];
for (let i = 1; i < sessionsPerKey; i++) more.push((await a.callTool({ name: "session_start", arguments: {} })).structuredContent.sessionId);
await refused(a.callTool({ name: "session_start", arguments: {} }), "session", "one session over the per-key bound");
const bSession = (await b.callTool({ name: "session_start", arguments: {} })).structuredContent.sessionId;
check(typeof bSession === "string" && bSession.length > 0, "key B starts a session while key A is at its bound");

// Cleanup: session_stop ends the session; calls on it are refused, naming session_start.
for (const id of [sessionId, ...more]) await a.callTool({ name: "session_stop", arguments: { session_id: id } });
const gone = await refused(a.callTool({ name: "list_files", arguments: { session_id: sessionId } }), "session_id", "a stopped session");
check(gone.includes("session_start"), `a stopped session says what to do: ${gone}`);

// Progress notifications carry the output while the run goes on.
const progress = [];
const progressed = await run(a, { runtime: "shell", code: "echo one; sleep 0.5; echo two >&2" }, { onprogress: p => progress.push(p.message) });
check(progress.some(m => m === "stdout: one\n") && progress.some(m => m === "stderr: two\n"), `progress: ${JSON.stringify(progress)}`);
check(progressed.result.stdout === "one\n", "the progressed run's result");

await a.close();
await b.close();
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
// B's session is left for the server's idle sweep (the caller checks its workspace goes).
console.log(JSON.stringify({ tools: names.length, concurrent: concurrent.length, limits: limitHits.length, progress: progress.length, leftSession: bSession }));
