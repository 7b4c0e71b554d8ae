/**
 * bench:server's scripted Ollama in a process of its own, on the load
 * generator's core. In the load generator's process, its work (a timer and
 * a write for each of some 10,000 tokens a second at 100 developers) and its
 * garbage shared one event loop and one heap with the developers' clients:
 * a pause of either held up every turn the other was serving.
 *
 *   node out/bench/scriptedOllama.main.mjs --token-delay-ms=10
 *
 * Prints `OLLAMA_FIXTURE_URL=<url>` once listening. Reads one command a
 * line on stdin and answers `ok <command>` on stdout once it is done:
 * `responder turn|fairness` (benchResponders.ts; `turn` at the start) and
 * `forget` (empties the request log). The log, each body summarized
 * (summarizeChatBody), is GET /__fixture/requests. It exits when stdin
 * closes, so it never outlives the bench.
 */
import { createInterface } from 'node:readline';
import { startOllamaFixture } from '../test/fixtures/ollamaFixture';
import { RESPONDERS, summarizeChatBody, type ResponderName } from './benchResponders';

const tokenDelayMs = Number(/^--token-delay-ms=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 10);
const fixture = await startOllamaFixture({ tokenDelayMs, keepOfBody: summarizeChatBody });
fixture.setResponder(RESPONDERS.turn);
process.stdout.write(`OLLAMA_FIXTURE_URL=${fixture.url}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, argument] = line.trim().split(' ');
  if (command === 'responder' && argument in RESPONDERS) fixture.setResponder(RESPONDERS[argument as ResponderName]);
  else if (command === 'forget') fixture.forgetRequests();
  else return void process.stdout.write(`error unknown command ${JSON.stringify(line)}\n`);
  process.stdout.write(`ok ${line.trim()}\n`);
});
lines.on('close', () => void fixture.close().then(() => process.exit(0)));
