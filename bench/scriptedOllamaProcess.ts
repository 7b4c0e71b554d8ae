/**
 * Starts bench:server's scripted Ollama in its own process
 * (scriptedOllama.main.ts) and scripts it from the bench.
 */
import { join } from 'node:path';
import type { RecordedRequest } from '../test/fixtures/ollamaFixture';
import type { ResponderName } from './benchResponders';
import { startCommandedProcess } from './commandedProcess';
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
  const child = await startCommandedProcess([...command, SCRIPTED_OLLAMA_SCRIPT, `--token-delay-ms=${tokenDelayMs}`], (line) => line.startsWith('OLLAMA_FIXTURE_URL='), { ...process.env, [STALL_LOG_ENV]: stallLog });
  const url = child.startLine.slice('OLLAMA_FIXTURE_URL='.length);
  const send = async (line: string) => {
    const answer = await child.send(line);
    if (answer !== `ok ${line}`) throw new Error(`the scripted Ollama answered ${JSON.stringify(answer)} to ${JSON.stringify(line)}`);
  };
  return {
    url,
    pid: child.pid,
    stallLog,
    use: (responder) => send(`responder ${responder}`),
    forget: () => send('forget'),
    requests: async () => (await (await fetch(`${url}/__fixture/requests`)).json()) as RecordedRequest[],
    cpuSeconds: () => processCpuSeconds(child.pid),
    close: () => child.close(),
  };
}
