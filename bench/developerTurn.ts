/**
 * One developer's chat turn as bench:server runs it (issue 12's turn shape:
 * one tool round trip, run by the developer's own executor, then the
 * answer), timed from the developer's side, and signing developers in.
 * Shared by the load generator (server.bench.ts) and the measuring
 * developers' process (measuringDevelopers.main.ts), so both run the same
 * turn and time it the same way.
 */
import type { AgentEvent, ToolCall } from '../protocol/chat';
import type { Agent } from '../agent-host';
import { RemoteAgent } from '../language-server/remote/remoteAgent';
import { TeamConnection } from '../language-server/remote/teamConnection';
import { parseTeamServerUrl } from '../language-server/remote/teamServerUrl';
import { FakeToolExecutor } from '../test/fixtures/fakeToolExecutor';

export const BENCH_MODEL = 'qwen2.5-coder:7b';

/** What the developer's read_file returns: a small source file. */
const TOOL_OUTPUT = 'export const app = 1;\n'.repeat(20);

export interface TurnTiming {
  /** Milliseconds from starting the turn to its first text. */
  firstMs: number;
  /** Milliseconds from starting the turn to its end. */
  turnMs: number;
  /** When the turn started and when its first text came, on the wall clock (Date.now(), the scripted Ollama's clock). */
  startWall: number;
  firstWall: number;
  /** Text messages received: how far streamed text was merged. */
  textEvents: number;
}

/** `onToolRan` hears each moment the developer's tool ran (epoch ms), for the bench's split of the tool round trip. */
export function developerExecutor(onToolRan?: () => void): FakeToolExecutor {
  return new FakeToolExecutor((_call: ToolCall) => {
    onToolRan?.();
    return TOOL_OUTPUT;
  });
}

/** Runs developer `user`'s turn on `agent`; throws if the turn failed. */
export async function timedTurn(agent: Agent, user: number, executor: FakeToolExecutor): Promise<TurnTiming> {
  const started = performance.now();
  const startWall = Date.now();
  let first = NaN;
  let textEvents = 0;
  let error = '';
  for await (const e of agent.startTurn([], { text: `Developer ${user}: what does src/app.ts do?`, context: [] }, { model: BENCH_MODEL, executor }, new AbortController().signal) as AsyncIterable<AgentEvent>) {
    if (e.type === 'text') {
      textEvents++;
      if (Number.isNaN(first)) first = performance.now() - started;
    }
    if (e.type === 'error') error = e.error.message;
  }
  if (error || Number.isNaN(first)) throw new Error(error || 'no text');
  return { firstMs: first, turnMs: performance.now() - started, startWall, firstWall: startWall + first, textEvents };
}

/** Signs in one connection per API key index (`bench-key-<i>`), in batches: 500 simultaneous TLS handshakes measure the handshake, not the server. */
export async function connectDevelopers(caPem: Buffer | string, port: number, keys: readonly number[]): Promise<{ agents: RemoteAgent[]; close(): void }> {
  const connections = keys.map((i) => new TeamConnection({ address: parseTeamServerUrl(`grpcs://localhost:${port}`), apiKey: `bench-key-${i}`, tls: { caPem: Buffer.from(caPem) } }));
  for (let i = 0; i < connections.length; i += 50) await Promise.all(connections.slice(i, i + 50).map((c) => c.auth.renew()));
  return { agents: connections.map((c) => new RemoteAgent(c)), close: () => connections.forEach((c) => c.close()) };
}
