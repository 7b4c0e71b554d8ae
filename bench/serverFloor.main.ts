/**
 * The floor under bench:server's turn: the least a team server built on the
 * project's chosen transport packages (@grpc/grpc-js over TLS towards the
 * developer, Node's http towards Ollama) must spend on one turn of the
 * benchmark's shape, with none of Hearth's own work. It serves the same
 * proto on a real TLS port, so the real client drives it unchanged:
 *
 *   - AuthService.Authenticate answers every key with a fixed token (no
 *     hashing, no JWT signing or verification);
 *   - AgentService.Chat decodes the client's messages with the protocol's
 *     own decoder (every server must validate what it receives), makes the
 *     turn's two streaming /api/chat requests to the backend with a body of
 *     the real shape (system prompt, messages, the offered tools), parses
 *     each NDJSON line once, sends the tool request, waits for the result and
 *     streams the answer's text: the first piece at once, then at most one
 *     message per DELTA_WINDOW_MS, as the real server's coalescer does under
 *     load; then a usage and a done message.
 *
 * No scheduler, audit log, metrics, rate limits, context budgeting, agent
 * core or error handling beyond ending the call. What the real server spends
 * above this figure is Hearth's own overhead; this figure itself is what
 * the packages cost for the turn, on this machine.
 *
 * Run by bench/server.bench.ts as `node serverFloor.mjs --config <file>`, with
 * the same config file the real server gets (it reads the TLS files, the
 * port and the first backend's URL from it).
 */
import * as http from 'node:http';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { parse as parseYaml } from 'yaml';
import type { ChatClientMessage__Output } from '../protocol/generated/hearth/v1/ChatClientMessage';
import type { ChatServerMessage } from '../protocol/generated/hearth/v1/ChatServerMessage';
import { decodeClientMessage } from '../protocol/grpc/decodeChat';
import { hearthPackage } from '../protocol/grpc/loadProtos';

/**
 * At most one text message per this many milliseconds after the first. The
 * real server's coalescer (agent-host/server/services/deltaCoalescer.ts)
 * widens its window with load; a floor must not send more messages than it,
 * so this is wider than the real window ever is.
 */
const DELTA_WINDOW_MS = 100;
const SYSTEM_PROMPT = 'You are Hearth, a coding assistant. '.repeat(40);

interface FloorConfig {
  server: { port: number };
  tls: { cert_file: string; key_file: string };
  backends: { url: string }[];
}

const configFile = process.argv[process.argv.indexOf('--config') + 1];
const config = parseYaml(readFileSync(configFile, 'utf8')) as FloorConfig;
const backend = new URL('/api/chat', config.backends[0].url);
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 2048 });

interface Chunk {
  message?: { content?: string; tool_calls?: { function: { name: string; arguments: Record<string, unknown> } }[] };
  done?: boolean;
  prompt_eval_count?: number;
  eval_count?: number;
}

/** One streaming /api/chat request; `onChunk` sees each NDJSON line parsed once. */
function chat(body: string, onChunk: (chunk: Chunk) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(backend, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    request.on('error', reject);
    request.on('response', (res) => {
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        pending += text;
        for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line) onChunk(JSON.parse(line) as Chunk);
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
    request.end(body);
  });
}

type ChatCall = grpc.ServerDuplexStream<ChatClientMessage__Output, ChatServerMessage>;

function handleChat(call: ChatCall): void {
  let toolResult: ((content: string) => void) | undefined;
  call.on('data', (raw: ChatClientMessage__Output) => {
    const msg = decodeClientMessage(raw);
    if (msg.kind === 'start') void runTurn(call, msg.turn, (resolve) => (toolResult = resolve)).catch((err: Error) => call.destroy(err));
    else if (msg.kind === 'toolResult') toolResult?.(msg.result.content);
  });
}

async function runTurn(call: ChatCall, turn: Extract<ReturnType<typeof decodeClientMessage>, { kind: 'start' }>['turn'], waitForTool: (resolve: (content: string) => void) => void): Promise<void> {
  const tools = turn.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  const messages: { role: string; content: string; tool_calls?: unknown }[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    ...turn.history.map((m) => ({ role: m.role, content: m.content })),
    { role: 'user', content: turn.input.text },
  ];
  const request = () => JSON.stringify({ model: turn.model, messages, tools, stream: true, options: { num_ctx: 8192 } });

  let call1: NonNullable<NonNullable<Chunk['message']>['tool_calls']>[number] | undefined;
  await chat(request(), (chunk) => (call1 ??= chunk.message?.tool_calls?.[0]));
  if (!call1) throw new Error('the scripted model asked for no tool');
  const result = new Promise<string>((resolve) => waitForTool(resolve));
  const toolCall = { id: 'c1', name: call1.function.name, arguments_json: JSON.stringify(call1.function.arguments) };
  // The chat shows the call and its result as a row: the real server sends both events beside the request.
  call.write({ tool_call: { call: toolCall } });
  call.write({ tool_request: { request_id: 'r1', call: toolCall, timeout_ms: 120_000 } });
  const content = await result;
  call.write({ tool_result: { result: { call_id: 'c1', name: toolCall.name, content: '', is_error: false, summary: '' }, content_as_sent: true } });
  messages.push({ role: 'assistant', content: '', tool_calls: [call1] }, { role: 'tool', content });

  let held = '';
  let lastSent = 0;
  let usage = { prompt_tokens: 0, completion_tokens: 0 };
  await chat(request(), (chunk) => {
    held += chunk.message?.content ?? '';
    if (chunk.done) usage = { prompt_tokens: chunk.prompt_eval_count ?? 0, completion_tokens: chunk.eval_count ?? 0 };
    const now = performance.now();
    if (held && now - lastSent >= DELTA_WINDOW_MS) {
      call.write({ text: { delta: held } });
      held = '';
      lastSent = now;
    }
  });
  if (held) call.write({ text: { delta: held } });
  call.write({ usage: { usage } });
  call.write({ done: { reason: 'stop' } });
  call.end();
}

const pkg = hearthPackage().grpc.hearth.v1;
// Channelz bookkeeping is off, as in the real server: the floor is the least the packages can cost.
const server = new grpc.Server({ 'grpc.enable_channelz': 0 });
const tokens = { access_token: 'floor', access_expires_at_ms: Date.now() + 3_600_000, refresh_token: 'floor', refresh_expires_at_ms: Date.now() + 3_600_000, user: 'dev' };
server.addService(pkg.AuthService.service, {
  Authenticate: (_call: unknown, callback: grpc.sendUnaryData<typeof tokens>) => callback(null, tokens),
  Refresh: (_call: unknown, callback: grpc.sendUnaryData<typeof tokens>) => callback(null, tokens),
});
server.addService(pkg.AgentService.service, { Chat: handleChat });
const credentials = grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(config.tls.cert_file), private_key: readFileSync(config.tls.key_file) }], false);
server.bindAsync(`127.0.0.1:${config.server.port}`, credentials, (err) => {
  if (err) throw err;
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
