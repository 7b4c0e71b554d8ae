/**
 * bench:server runs each team server under the memory limit the shipped
 * Deployment gives its container, in a real cgroup. Its peak-memory figures
 * rest on two things checked here: the limit is read from the manifest's own
 * container, and a Node process started in the group sees the limit and sizes
 * V8's heap from it, as it would in the pod.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentMemoryLimit, parseMemoryQuantity } from '../../bench/deploymentMemoryLimit';
import { createMemoryCgroup } from '../../bench/memoryCgroup';
import { imageNodeFlags } from '../../bench/imageNodeFlags';

/** The most the young generation (both semi-spaces) took while a workload kept much of what it allocated alive. */
const YOUNG_PROBE =
  'const v8 = require("node:v8"); const ring = new Array(200000); let max = 0; for (let i = 0; i < 2e7; i++) { ring[i % ring.length] = { i }; if (i % 100000 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size); } console.log(max)';

const PROBE = 'const v8 = require("node:v8"); console.log(JSON.stringify({ constrained: process.constrainedMemory(), heapLimit: v8.getHeapStatistics().heap_size_limit }))';

describe('the memory limit of bench:server (integration)', () => {
  it('reads resources.limits.memory of the named container of the Deployment, and says so when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-manifest-'));
    try {
      const file = join(dir, 'deployment.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: v1\nkind: Service\nmetadata: { name: x }\n',
          'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: sidecar\n          resources: { limits: { memory: 64Mi } }\n        - name: agent-host\n          resources: { limits: { memory: 768Mi } }\n',
        ].join('---\n'),
      );
      assert.deepEqual(deploymentMemoryLimit(file, 'agent-host'), { quantity: '768Mi', bytes: 768 * 1024 * 1024 });
      assert.throws(() => deploymentMemoryLimit(file, 'missing'), /no Deployment container "missing" with resources\.limits\.memory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses Kubernetes memory quantities and refuses what it does not understand', () => {
    assert.equal(parseMemoryQuantity('512Mi'), 536_870_912);
    assert.equal(parseMemoryQuantity('1G'), 1_000_000_000);
    assert.equal(parseMemoryQuantity('1.5Gi'), 1_610_612_736);
    assert.throws(() => parseMemoryQuantity('512MB'), /not a memory quantity/);
  });

  it('starts a process inside a real cgroup whose Node sees the limit and sizes its heap from it', () => {
    const outside = JSON.parse(execFileSync(process.execPath, ['-e', PROBE], { encoding: 'utf8' })) as { heapLimit: number };
    const limit = 384 * 1024 * 1024;
    const group = createMemoryCgroup(`hearth-test-${process.pid}`, limit);
    assert.ok('wrap' in group, `no memory cgroup here: ${'unavailable' in group ? group.unavailable : ''}`);
    try {
      const [command, ...args] = group.wrap([process.execPath, '-e', PROBE]);
      const inside = JSON.parse(execFileSync(command, args, { encoding: 'utf8' })) as { constrained: number; heapLimit: number };
      assert.equal(inside.constrained, limit);
      // Node gives V8 a heap sized from the limit, far below what it takes on an unlimited large machine.
      assert.ok(inside.heapLimit < limit, `heap limit ${inside.heapLimit} inside a ${limit}-byte group`);
      assert.ok(inside.heapLimit < outside.heapLimit, `heap limit ${inside.heapLimit} inside, ${outside.heapLimit} outside`);
    } finally {
      group.remove();
    }
  });

  it("reads the Node flags of the Dockerfile's exec-form ENTRYPOINT, and refuses one it cannot read", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-dockerfile-'));
    try {
      const file = join(dir, 'Dockerfile');
      writeFileSync(file, 'FROM node:20\n# ENTRYPOINT ["not", "this"]\nENTRYPOINT ["node", "--max-semi-space-size=16", "--stack-size=2000", "/app/agent-host.js", "--flag-of-the-app"]\n');
      assert.deepEqual(imageNodeFlags(file), ['--max-semi-space-size=16', '--stack-size=2000']);
      writeFileSync(file, 'FROM node:20\nENTRYPOINT node /app/agent-host.js\n');
      assert.throws(() => imageNodeFlags(file), /not in exec form/);
      writeFileSync(file, 'FROM node:20\nENTRYPOINT ["tini", "--", "node", "/app/agent-host.js"]\n');
      assert.throws(() => imageNodeFlags(file), /does not start the server with node/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives a server started with the image's flags under the Deployment's memory limit a young generation many times the few MB V8 picks alone", () => {
    const flags = imageNodeFlags('agent-host/Dockerfile');
    const group = createMemoryCgroup(`hearth-test-young-${process.pid}`, deploymentMemoryLimit('deploy/kubernetes/deployment.yaml', 'agent-host').bytes);
    assert.ok('wrap' in group, `no memory cgroup here: ${'unavailable' in group ? group.unavailable : ''}`);
    try {
      const young = (nodeFlags: string[]) => {
        const [command, ...args] = group.wrap([process.execPath, ...nodeFlags, '-e', YOUNG_PROBE]);
        return Number(execFileSync(command, args, { encoding: 'utf8' }));
      };
      const bare = young([]);
      const imaged = young(flags);
      // V8 sizes the semi-space from the heap, and a 512 Mi limit gives a small heap: a collection every megabyte or so.
      assert.ok(bare <= 4 * 1024 * 1024, `young generation without the flags: ${bare} bytes`);
      assert.ok(imaged >= 8 * bare, `young generation with ${flags.join(' ')}: ${imaged} bytes, against ${bare} without`);
    } finally {
      group.remove();
    }
  });
});
