/**
 * The scripted Ollama server in a process of its own, offering the embedding
 * model, for the benchmarks that index with embeddings: in its own process
 * its CPU and memory stay out of the measured process's figures.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { NOMIC_EMBED_TEXT } from '../test/fixtures/ollamaFixture';

export async function startFixtureProcess(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [path.resolve('out/test/fixtures/ollamaFixture.main.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /OLLAMA_FIXTURE_URL=(\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the fixture exited (${code})`)));
  });
  await fetch(`${url}/__fixture/models`, { method: 'POST', body: JSON.stringify([NOMIC_EMBED_TEXT]) });
  return { url, stop: () => child.kill() };
}
