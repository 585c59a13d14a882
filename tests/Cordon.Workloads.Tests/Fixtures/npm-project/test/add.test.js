// A vendored project with no dependencies: `npm test` needs no registry, so it runs with the network off.
const test = require('node:test');
const assert = require('node:assert');
const { add } = require('../index.js');

test('adds', () => assert.strictEqual(add(20, 22), 42));

test('spawns a child node', () => {
  const child = require('node:child_process').spawnSync(process.execPath, ['-e', 'process.stdout.write(String(6 * 7))']);
  assert.strictEqual(child.stdout.toString(), '42');
});
