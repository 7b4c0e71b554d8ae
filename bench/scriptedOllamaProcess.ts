/**
 * Starts bench:server's scripted Ollama in its own process
 * (scriptedOllama.main.ts) and scripts it from the bench.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordedRequest } from '../test/fixtures/ollamaFixture';
import type { ResponderName } from './benchResponders';
import { processCpuSeconds } from './processCpuSeconds';
import { STALL_LOG_ENV } from './stallLog';

export interface ScriptedOllama {
  url: string;
  pid: number;
  /** Which answers it gives from now on. */
  use(responder: ResponderName): Promise<void>;
  /** Empties its request log. */
  forget(): Promise<void>;
  /** Its request log so far, each body summarized (summarizeChatBody). */
  requests(): Promise<RecordedRequest[]>;
  /** Where its stalls go when it was started with stallLog.main.ts loaded (see stallLog.ts). */
  stallLog: string;
  /** CPU seconds it has used so far. */
  cpuSeconds(): number;
  close(): Promise<void>;
}

/** The process's script as esbuild --tests builds it. */
export const SCRIPTED_OLLAMA_SCRIPT = join(process.cwd(), 'out/bench/scriptedOllama.main.mjs');

/** Starts it with `command` before the script (node and its flags, or taskset and node); `stallLog` names the file for stallLog.main.ts. */
export async function startScriptedOllama(command: string[], tokenDelayMs: number, stallLog: string): Promise<ScriptedOllama> {
  const child = spawn(command[0], [...command.slice(1), SCRIPTED_OLLAMA_SCRIPT, `--token-delay-ms=${tokenDelayMs}`], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, [STALL_LOG_ENV]: stallLog } });
  const waiting: { line: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  let exited: Error | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => {
      exited = new Error(`the scripted Ollama exited (${code})`);
      reject(exited);
      for (const w of waiting.splice(0)) w.reject(exited);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const started = /^OLLAMA_FIXTURE_URL=(\S+)$/.exec(line);
      if (started) return resolve(started[1]);
      // Commands are answered in order.
      const next = waiting.shift();
      if (!next) return;
      if (line === `ok ${next.line}`) next.resolve();
      else next.reject(new Error(`the scripted Ollama answered ${JSON.stringify(line)} to ${JSON.stringify(next.line)}`));
    });
  });
  const send = (line: string) =>
    new Promise<void>((resolve, reject) => {
      if (exited) return reject(exited);
      waiting.push({ line, resolve, reject });
      child.stdin!.write(`${line}\n`);
    });
  return {
    url,
    pid: child.pid!,
    stallLog,
    use: (responder) => send(`responder ${responder}`),
    forget: () => send('forget'),
    requests: async () => (await (await fetch(`${url}/__fixture/requests`)).json()) as RecordedRequest[],
    cpuSeconds: () => processCpuSeconds(child.pid!),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
