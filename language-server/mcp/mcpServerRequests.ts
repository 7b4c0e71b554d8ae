import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpClientRequests, McpElicitationRequest, McpElicitationResult, McpSamplingRequest, McpSamplingResult } from '../../agent-host';
import { elicitationFields, validateElicitation } from '../../protocol/elicitationForm';
import type { HearthSettings, McpRequestOrigin, McpServerSource } from '../../protocol/lspMethods';
import type { McpEditor } from './mcpEditor';

/** `hearth.mcp.samplingPerHour` when unset: enough for a tool that asks now and then, too few to run up a bill of GPU time. */
export const DEFAULT_SAMPLING_PER_HOUR = 5;
const HOUR_MS = 60 * 60_000;
/** JSON-RPC code for "the user rejected the request", as the MCP specification's sampling examples use. */
const USER_REJECTED = -1;
const MAX_MESSAGE_CHARS = 5_000;
/**
 * Forms a server may show in an hour that the user did not fill in (declined,
 * cancelled, or taken away because the call ended). A form the user fills in
 * does not count, so a server that needs several answers in a row is never
 * stopped; one that asks again each time the user says no soon is.
 */
export const MAX_UNANSWERED_FORMS_PER_HOUR = 3;

/** Runs one sampling completion with the user's chat model. */
export interface McpSampler {
  /** The model that will answer (the user's chat model). Throws an Error whose message says why sampling cannot run now. */
  model(signal: AbortSignal): Promise<string>;
  /** One completion, no tools, with exactly these messages and system prompt. */
  complete(request: McpSamplingRequest, model: string, signal: AbortSignal): Promise<McpSamplingResult>;
}

/** The MCP tool call of a server that is running right now, if any: its request belongs in that call's row. */
export interface RunningCall {
  origin: Pick<McpRequestOrigin, 'sessionId' | 'entryId' | 'callId'>;
  signal: AbortSignal;
}

export interface McpServerRequestsDeps {
  editor: McpEditor;
  settings(): Promise<HearthSettings>;
  /** Absent: servers are not offered sampling. */
  sampler?: McpSampler;
  sourceOf(server: string): McpServerSource;
  runningCall(server: string): RunningCall | undefined;
  now?: () => number;
}

function either(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b ? AbortSignal.any([a, b]) : a;
}

/**
 * What a server may ask of Hearth besides tools: a completion from the user's
 * model (sampling) and the user's input (elicitation). Both are always shown
 * to the user, in the chat where the server's tool call runs, and both can be
 * refused. Sampling has no "always allow": each request shows the exact
 * prompt, because the answer goes back to a server that may use it for
 * anything, and the server cannot choose the model. A server may have one
 * request waiting at a time, and at most `hearth.mcp.samplingPerHour`
 * sampling requests in an hour (counted when shown, declined ones included,
 * so a server cannot flood the chat with cards either), and at most
 * MAX_UNANSWERED_FORMS_PER_HOUR forms in an hour that the user did not fill in.
 */
export class McpServerRequests {
  private readonly pendingSampling = new Set<string>();
  private readonly pendingElicitation = new Set<string>();
  private readonly shownAt = new Map<string, number[]>();
  /** Per server, when each form the user did not fill in was shown (see MAX_UNANSWERED_FORMS_PER_HOUR). */
  private readonly unansweredFormsAt = new Map<string, number[]>();

  constructor(private readonly deps: McpServerRequestsDeps) {}

  handlers(): McpClientRequests {
    return {
      ...(this.deps.sampler ? { sampling: (request, signal) => this.sample(request, signal) } : {}),
      elicitation: (request, signal) => this.elicit(request, signal),
    };
  }

  private origin(server: string): { origin: McpRequestOrigin; callSignal?: AbortSignal } {
    const running = this.deps.runningCall(server);
    const where = running?.origin ?? { sessionId: '', entryId: '', callId: '' };
    return { origin: { ...where, server, source: this.deps.sourceOf(server) }, callSignal: running?.signal };
  }

  private fail(server: string, code: number, message: string): McpError {
    this.deps.editor.log(server, message);
    return new McpError(code, message);
  }

  async sample(request: McpSamplingRequest, signal: AbortSignal): Promise<McpSamplingResult> {
    const sampler = this.deps.sampler;
    const { server } = request;
    if (!sampler) throw new McpError(ErrorCode.MethodNotFound, 'Hearth does not offer sampling here.');
    if (this.pendingSampling.has(server)) {
      throw this.fail(server, ErrorCode.InvalidRequest, 'Refused a sampling request: another one from this server is still waiting for the user or running. Send one at a time.');
    }
    // Taken before the first await: requests a server sends together are read in one go and all start in the same
    // tick, so a check made after an await would let every one of them past (a card each, beyond the hourly limit).
    this.pendingSampling.add(server);
    try {
      const settings = await this.deps.settings();
      const limit = Math.max(0, Math.floor(settings.mcp?.samplingPerHour ?? DEFAULT_SAMPLING_PER_HOUR));
      const now = (this.deps.now ?? Date.now)();
      const recent = withinLastHour(this.shownAt, server, now);
      if (recent.length >= limit) {
        throw this.fail(
          server,
          ErrorCode.InvalidRequest,
          limit === 0
            ? 'Refused a sampling request: sampling is turned off (hearth.mcp.samplingPerHour is 0).'
            : `Refused a sampling request: this server already asked ${recent.length} times in the last hour, the limit set by hearth.mcp.samplingPerHour (${limit}).`,
        );
      }
      let model: string;
      try {
        model = await sampler.model(signal);
      } catch (err) {
        throw this.fail(server, ErrorCode.InternalError, `Refused a sampling request: ${err instanceof Error ? err.message : String(err)}`);
      }
      recent.push(now);
      const { origin, callSignal } = this.origin(server);
      const asked = either(signal, callSignal);
      let decision: 'accept' | 'reject';
      try {
        decision = await this.deps.editor.approveSampling(
          { ...origin, messages: request.messages, systemPrompt: request.systemPrompt, maxTokens: request.maxTokens, temperature: request.temperature, model, modelHints: request.modelHints },
          asked,
        );
      } catch (err) {
        if (asked.aborted) throw new McpError(USER_REJECTED, 'The request was cancelled before the user answered.');
        throw this.fail(server, ErrorCode.InternalError, `Hearth could not ask the user about a sampling request (${err instanceof Error ? err.message : String(err)}).`);
      }
      if (decision !== 'accept') throw new McpError(USER_REJECTED, 'The user declined this sampling request.');
      this.deps.editor.log(server, `Running a sampling request the user approved, with ${model}.`);
      try {
        return await sampler.complete(request, model, asked);
      } catch (err) {
        throw this.fail(server, ErrorCode.InternalError, `The approved sampling request failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    } finally {
      this.pendingSampling.delete(server);
    }
  }

  async elicit(request: McpElicitationRequest, signal: AbortSignal): Promise<McpElicitationResult> {
    const { server } = request;
    const fields = elicitationFields(request.requestedSchema);
    if (!fields.ok) throw this.fail(server, ErrorCode.InvalidParams, `Refused an elicitation request: Hearth cannot show this form (${fields.reason}).`);
    if (this.pendingElicitation.has(server)) {
      throw this.fail(server, ErrorCode.InvalidRequest, 'Refused an elicitation request: another form from this server is still waiting for the user.');
    }
    const now = (this.deps.now ?? Date.now)();
    const unanswered = withinLastHour(this.unansweredFormsAt, server, now);
    if (unanswered.length >= MAX_UNANSWERED_FORMS_PER_HOUR) {
      throw this.fail(
        server,
        ErrorCode.InvalidRequest,
        `Refused an elicitation request: the user did not fill in ${unanswered.length} forms from this server in the last hour, so Hearth shows it no more for now.`,
      );
    }
    this.pendingElicitation.add(server);
    // Counted as unanswered when shown and taken back when the user fills the form in, so a form the server
    // withdraws at once (its request cancelled) counts as much as one the user declined.
    unanswered.push(now);
    let filledIn = false;
    try {
      const { origin, callSignal } = this.origin(server);
      const asked = either(signal, callSignal);
      const message = request.message.length > MAX_MESSAGE_CHARS ? `${request.message.slice(0, MAX_MESSAGE_CHARS)}…` : request.message;
      let answer: Awaited<ReturnType<McpEditor['askElicitation']>>;
      try {
        answer = await this.deps.editor.askElicitation({ ...origin, message, fields: fields.value }, asked);
      } catch (err) {
        if (asked.aborted) return { action: 'cancel' };
        throw this.fail(server, ErrorCode.InternalError, `Hearth could not show a form to the user (${err instanceof Error ? err.message : String(err)}).`);
      }
      if (answer.action !== 'accept') return { action: answer.action };
      filledIn = true;
      // The editor checked the answer too; this is the last check before anything reaches the server.
      const checked = validateElicitation(fields.value, answer.content ?? {});
      if (!checked.ok) throw this.fail(server, ErrorCode.InternalError, `The form's answer did not match the requested schema (${Object.entries(checked.errors).map(([k, v]) => `${k}: ${v}`).join('; ')}), so nothing was sent.`);
      return { action: 'accept', content: checked.content };
    } finally {
      if (filledIn) unanswered.splice(unanswered.indexOf(now), 1);
      this.pendingElicitation.delete(server);
    }
  }
}

/** The times `server` has in `times` from the last hour, kept as its list (older ones are dropped from it). */
function withinLastHour(times: Map<string, number[]>, server: string, now: number): number[] {
  const recent = (times.get(server) ?? []).filter((t) => now - t < HOUR_MS);
  times.set(server, recent);
  return recent;
}
