import { HearthException, type McpCompletionRequest } from '../../agent-host';
import type { McpCompleteParams } from '../../protocol/lspMethods';

const MAX_NAME_CHARS = 2_048;
const MAX_VALUE_CHARS = 1_000;
const MAX_CONTEXT_ARGUMENTS = 50;

function invalid(message: string): HearthException {
  return new HearthException({ code: 'invalidRequest', message: `Invalid hearth/mcp/complete request: ${message}.`, retryable: false });
}

function text(value: unknown, what: string, max: number, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0) || value.length > max) throw invalid(`${what} must be a string of ${allowEmpty ? 'up to' : '1 to'} ${max} characters`);
  return value;
}

/** Checks a `hearth/mcp/complete` request's shape and bounds before anything of it reaches a server. */
export function parseMcpCompleteParams(params: unknown): { server: string; request: McpCompletionRequest; team: boolean } {
  if (!params || typeof params !== 'object') throw invalid('the parameters must be an object');
  const p = params as Partial<Record<keyof McpCompleteParams, unknown>>;
  const server = text(p.server, 'server', 200);
  if (p.team !== undefined && typeof p.team !== 'boolean') throw invalid('team must be true or false');
  const ref = p.ref as { type?: unknown; name?: unknown; uriTemplate?: unknown } | undefined;
  const argument = p.argument as { name?: unknown; value?: unknown } | undefined;
  if (!ref || typeof ref !== 'object') throw invalid('ref is missing');
  if (!argument || typeof argument !== 'object') throw invalid('argument is missing');
  const request: McpCompletionRequest = {
    ref:
      ref.type === 'prompt'
        ? { type: 'prompt', name: text(ref.name, 'ref.name', MAX_NAME_CHARS) }
        : ref.type === 'resourceTemplate'
          ? { type: 'resourceTemplate', uriTemplate: text(ref.uriTemplate, 'ref.uriTemplate', MAX_NAME_CHARS) }
          : (() => {
              throw invalid('ref.type must be "prompt" or "resourceTemplate"');
            })(),
    argument: { name: text(argument.name, 'argument.name', 200), value: text(argument.value, 'argument.value', MAX_VALUE_CHARS, true) },
  };
  if (p.context !== undefined) {
    if (!p.context || typeof p.context !== 'object' || Array.isArray(p.context)) throw invalid('context must be an object of strings');
    const entries = Object.entries(p.context as Record<string, unknown>);
    if (entries.length > MAX_CONTEXT_ARGUMENTS) throw invalid(`context may hold at most ${MAX_CONTEXT_ARGUMENTS} arguments`);
    request.context = Object.fromEntries(entries.map(([name, value]) => [text(name, 'a context argument name', 200), text(value, `context.${name}`, MAX_VALUE_CHARS, true)]));
  }
  return { server, request, team: p.team === true };
}
