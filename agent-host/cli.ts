/**
 * `hearth-agent-host`: the agent host's command line. The team server (gRPC)
 * arrives with its own issue; until then this lists models and answers one
 * question, which is enough to check an Ollama setup from a terminal.
 */
import { createAgent } from './index';

async function main(argv: string[]): Promise<number> {
  const host = process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434';
  const agent = createAgent({ host });
  const [command, ...rest] = argv;
  if (command === 'models') {
    for (const model of await agent.listModels()) console.log(model.name);
    return 0;
  }
  if (command === 'ask' && rest.length >= 2) {
    const [model, ...words] = rest;
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    for await (const event of agent.startTurn([], { text: words.join(' '), context: [] }, { model }, controller.signal)) {
      if (event.type === 'text') process.stdout.write(event.delta);
      if (event.type === 'error') console.error(`\n${event.error.message}`);
      if (event.type === 'done') return event.reason === 'error' ? 1 : 0;
    }
    return 0;
  }
  console.error('Usage: hearth-agent-host models | ask <model> <question…>');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
