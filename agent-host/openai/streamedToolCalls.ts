/**
 * The tool calls of one streamed chat answer, put together from their
 * deltas. OpenAI sends a call's id, type and name in its first chunk and
 * then its arguments in pieces, each call at its own `index`; other servers
 * do not, and joining their chunks the OpenAI way makes calls the model
 * never made:
 * - several calls all at `index` 0 (or with none), each with its own id:
 *   Ollama's /v1 for parsers that leave `Function.Index` unset (its harmony
 *   parser for gpt-oss; openai/openai.go `ToToolCalls` copies it), Gemini's
 *   OpenAI layer. Joined by index they became one call whose arguments were
 *   `{…}{…}`, which ran nothing; a new id at an index now starts a new call.
 * - id and name repeated in every chunk of one call (Fireworks, MiniMax on
 *   NVIDIA NIM). Joined they named a tool "read_fileread_file"; a name now
 *   comes whole, once, as OpenAI's own client library also takes it.
 */
import { STREAM_LINE_MAX_CHARS } from '../core/streamLines';

type Json = Record<string, unknown>;

/**
 * The most argument text one answer's tool calls may carry, all calls together: the longest line a stream reader
 * keeps, which is what bounds a tool call from Ollama (one NDJSON line holds it whole). Real arguments are a file's
 * content at most; OpenAI's streaming spreads a call over as many short lines as a server likes, so without this a
 * broken or hostile server could grow one call without end, unseen (arguments are not shown while they stream), and
 * the call it finished was stored with the session and sent back with every later request.
 */
export const TOOL_CALL_ARGS_MAX_CHARS = STREAM_LINE_MAX_CHARS;

export interface StreamedToolCall {
  id: string;
  name: string;
  /** The arguments' JSON text as it arrived, pieces joined. */
  args: string;
}

export class StreamedToolCalls {
  /** Every call, in the order its first chunk arrived. */
  readonly all: StreamedToolCall[] = [];
  /** The call each index last started: the one its argument pieces belong to. */
  private readonly open = new Map<number, StreamedToolCall>();
  private argsChars = 0;

  /** Adds one entry of a delta's `tool_calls`; throws when the arguments pass TOOL_CALL_ARGS_MAX_CHARS. */
  add(delta: Json): void {
    const index = typeof delta.index === 'number' ? delta.index : 0;
    const fn = (delta.function ?? {}) as Json;
    const id = typeof delta.id === 'string' ? delta.id : '';
    const name = typeof fn.name === 'string' ? fn.name : '';
    let call = this.open.get(index);
    const anotherId = call !== undefined && id !== '' && call.id !== '' && id !== call.id;
    const anotherName = call !== undefined && name !== '' && call.name !== '' && name !== call.name;
    if (call === undefined || anotherId || anotherName) {
      call = { id, name: '', args: '' };
      this.all.push(call);
      this.open.set(index, call);
    }
    if (call.id === '') call.id = id;
    if (call.name === '') call.name = name;
    if (typeof fn.arguments !== 'string') return;
    this.argsChars += fn.arguments.length;
    if (this.argsChars > TOOL_CALL_ARGS_MAX_CHARS) {
      throw new Error(`the server sent tool call arguments longer than ${TOOL_CALL_ARGS_MAX_CHARS / 1024 / 1024} MiB; Hearth stopped reading them`);
    }
    call.args += fn.arguments;
  }
}
