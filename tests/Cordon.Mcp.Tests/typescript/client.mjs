// Drives `cordon mcp` over stdio with the official TypeScript MCP client. Usage: node client.mjs COMMAND [ARGS...]
// (the command that starts the server). Prints one JSON line of what it saw; exits 1 with the failed check otherwise.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const transport = new StdioClientTransport({ command, args, stderr: "ignore" });
const client = new Client({ name: "cordon-ts-test", version: "1.0.0" });
await client.connect(transport);

const { tools } = await client.listTools();
const names = tools.map(t => t.name).sort();
check(JSON.stringify(names) === JSON.stringify(["audit_policy", "list_files", "read_file", "run", "session_run", "session_start", "session_stop", "write_file"]), `tools/list: ${names}`);

// Hostile code: the refused socket is named in the result and explained.
const hostile = await client.callTool({ name: "run", arguments: { runtime: "python", code: "import socket\ntry:\n  socket.socket()\nexcept OSError as e:\n  print('refused', e.errno)" } });
const h = hostile.structuredContent;
check(h.result.schema === "cordon.result/1", "run returns the result document");
check(h.result.violations.some(v => v.syscall === "socket"), "the socket refusal is named");
check(h.explanations.some(l => l.includes("network is off")), "the socket refusal is explained");

// Concurrent calls: each its own workspace.
const runs = await Promise.all([0, 1, 2, 3].map(i => client.callTool({ name: "run", arguments: { runtime: "shell", code: `echo ${i} > f${i}; ls` } })));
runs.forEach((r, i) => check(r.structuredContent.result.stdout === `f${i}\n`, `concurrent run ${i}: ${r.structuredContent.result.stdout}`));

// A limit above the ceiling and a malformed argument: JSON-RPC errors naming the field.
for (const [argsOf, field] of [[{ runtime: "shell", code: "true", limits: { memory: "64G" } }, "limits.memory"], [{ runtime: 7, code: "x" }, "runtime"]]) {
  try {
    await client.callTool({ name: "run", arguments: argsOf });
    failures.push(`${field}: no error`);
  } catch (e) {
    check(e.code === -32602 && e.message.includes(`'${field}'`), `${field}: ${e.code} ${e.message}`);
  }
}

// A session: write, run, read, list, stop.
const { sessionId } = (await client.callTool({ name: "session_start", arguments: {} })).structuredContent;
await client.callTool({ name: "write_file", arguments: { session_id: sessionId, path: "in.txt", content: "abc" } });
await client.callTool({ name: "session_run", arguments: { session_id: sessionId, runtime: "shell", code: "tr a-z A-Z < in.txt > out.txt" } });
const read = (await client.callTool({ name: "read_file", arguments: { session_id: sessionId, path: "out.txt" } })).structuredContent;
check(read.content === "ABC", `read_file: ${read.content}`);
const listed = (await client.callTool({ name: "list_files", arguments: { session_id: sessionId } })).structuredContent;
check(listed.files.length === 2, `list_files: ${JSON.stringify(listed.files)}`);
await client.callTool({ name: "session_stop", arguments: { session_id: sessionId } });

// Progress notifications carry the output while the run goes on.
const progress = [];
await client.callTool({ name: "run", arguments: { runtime: "shell", code: "echo one; sleep 0.3; echo two" } }, undefined, { onprogress: p => progress.push(p.message) });
check(progress.join("").includes("one"), `progress: ${JSON.stringify(progress)}`);

await client.close();
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(JSON.stringify({ tools: names.length, concurrent: runs.length, progress: progress.length }));
