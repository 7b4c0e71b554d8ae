/**
 * bench:server's measuring developers: a few of the developers, in a process
 * of their own, whose times to first token are the bench's headline.
 *
 * The load generator is one process running every other developer's client
 * on one core, and in the slowest turns it measured, its own event loop had
 * stopped for longer than the server added (docs/team-server-performance.md,
 * "Where the slowest turns wait"). A developer's editor serves one
 * developer. These developers run the same turns as the others, on the same
 * core, but in a light process that the bench starts with a higher
 * scheduling priority (nice), so that the load generator's bursts delay
 * them no more than a developer's own machine would: what they measure is
 * the server's doing.
 *
 *   node out/bench/measuringDevelopers.main.mjs '<config JSON>'
 *
 * The config is {"mode": "direct", "url": <scripted Ollama>, "users": [...]}
 * (the embedded agent calling the model with no server: the model's own
 * time) or {"mode": "remote", "port": <team server>, "users": [...]} with
 * the CA certificate in HEARTH_BENCH_CA_PEM (each user signs in with
 * `bench-key-<user>`). Prints `ready` once signed in, then answers one
 * command a line on stdin:
 *   `warm <seconds>`  every developer runs turns back to back that long
 *                     (at least one each), unmeasured: `ok warm`;
 *   `measure <rounds> <spreadMs>`  each developer starts within spreadMs and
 *                     runs that many turns: `result <JSON>` (each turn's
 *                     time to first text and length, errors).
 * It exits when stdin closes, so it never outlives the bench.
 */
import { createInterface } from 'node:readline';
import { createAgent, type Agent } from '../agent-host';
import { collectGarbage } from './collectGarbage';
import { connectDevelopers, developerExecutor, timedTurn } from './developerTurn';
import { CA_PEM_ENV, type MeasuredTurns, type MeasuringConfig } from './measuringDevelopersProcess';

const config = JSON.parse(process.argv[2] ?? '{}') as MeasuringConfig;
let agents: Agent[];
let close = () => undefined as void;
if (config.mode === 'direct') {
  const direct = createAgent({ host: config.url });
  agents = config.users.map(() => direct);
} else {
  const signedIn = await connectDevelopers(process.env[CA_PEM_ENV] ?? '', config.port, config.users);
  agents = signedIn.agents;
  close = signedIn.close;
}
const executors = config.users.map(() => developerExecutor());
process.stdout.write('ready\n');

async function warm(seconds: number): Promise<void> {
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    agents.map(async (agent, i) => {
      do await timedTurn(agent, config.users[i], executors[i]).catch(() => undefined);
      while (performance.now() < until);
    }),
  );
}

async function measure(rounds: number, spreadMs: number): Promise<MeasuredTurns> {
  collectGarbage();
  const result: MeasuredTurns = { ttftMs: [], turnMs: [], timeline: [], errors: 0, errorMessages: [] };
  const messages = new Set<string>();
  await Promise.all(
    agents.map(async (agent, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i * spreadMs) / agents.length));
      for (let r = 0; r < rounds; r++) {
        try {
          const turn = await timedTurn(agent, config.users[i], executors[i]);
          result.ttftMs.push(turn.firstMs);
          result.turnMs.push(turn.turnMs);
          result.timeline.push({ user: config.users[i], start: turn.startWall, first: turn.firstWall });
        } catch (err) {
          result.errors++;
          messages.add((err as Error).message.slice(0, 300));
        }
      }
    }),
  );
  result.errorMessages = [...messages];
  return result;
}

// Commands run one at a time, in order.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, ...args] = line.trim().split(' ');
  queue = queue.then(async () => {
    if (command === 'warm') {
      await warm(Number(args[0]));
      process.stdout.write(`ok warm\n`);
    } else if (command === 'measure') {
      process.stdout.write(`result ${JSON.stringify(await measure(Number(args[0]), Number(args[1])))}\n`);
    } else {
      process.stdout.write(`error unknown command ${JSON.stringify(line)}\n`);
    }
  });
});
lines.on('close', () => void queue.then(() => {
  close();
  process.exit(0);
}));
