/**
 * The floor under every suggestion's latency: a bare LSP round trip to
 * dist/language-server.js over Node IPC (the extension's transport) and over
 * stdio, back to back and after an idle pause like a typist's. The difference is the machine's wake-up cost for an idle
 * process, which the completion pipeline pays on each hop and cannot remove.
 * Prints JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionListRequest } from '../protocol/lspMethods';
import { startLspTestClient } from '../test/integration/lspTestClient';

function quantiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] * 100) / 100;
  return { p50: at(0.5), p99: at(0.99) };
}

const result: Record<string, Record<string, { p50: number; p99: number }>> = {};
for (const transport of ['ipc', 'stdio'] as const) {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-rt-'));
  const client = await startLspTestClient({ storagePath: storage, transport, settings: { ollama: { host: 'http://127.0.0.1:9' } } });
  const figures: Record<string, { p50: number; p99: number }> = {};
  for (const pauseMs of [0, 300]) {
    const samples: number[] = [];
    for (let i = 0; i < 100; i++) {
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      const started = performance.now();
      await client.connection.sendRequest(SessionListRequest.type, {});
      samples.push(performance.now() - started);
    }
    figures[pauseMs === 0 ? 'backToBackMs' : `after${pauseMs}msIdleMs`] = quantiles(samples);
  }
  await client.stop();
  fs.rmSync(storage, { recursive: true, force: true });
  result[transport] = figures;
}
console.log(JSON.stringify({ benchmark: 'lsp-round-trip', node: process.version, cpus: os.cpus().length, ...result }, null, 2));
