/**
 * AgentService.Sample: one completion for an MCP sampling request that a
 * developer approved on their own machine (their own MCP server asked, and
 * they saw the exact prompt). It runs like a one-step chat turn without
 * tools: the chat rate limit and the GPU scheduler's admission, the user's
 * agent (its model requests scheduled as this user's chat work), audited as
 * `sampling.start` / `sampling.end`. Nothing is kept after the answer.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { SampleRequest__Output } from '../../../protocol/generated/hearth/v1/SampleRequest';
import type { SampleResponse } from '../../../protocol/generated/hearth/v1/SampleResponse';
import { decodeSampleRequest, encodeSampleResponse } from '../../../protocol/grpc/sampleMessages';
import { HearthException, sampleWithAgent, type Agent } from '../../index';
import type { ActivityRecorder } from '../admin/activityRecorder';
import type { AuditLog } from '../ops/auditLog';
import type { ServerMetrics } from '../ops/serverMetrics';
import type { RateLimit } from '../scheduler/rateLimiter';
import type { Scheduler } from '../scheduler/scheduler';
import { retryHint } from '../scheduler/schedulerErrors';
import { exhausted, ServiceFailure } from './serviceFailure';

export interface SampleDeps {
  agentFor(user: string): Agent;
  scheduler: Scheduler;
  /** The chat turns' limiter: a sampling request counts as a turn. */
  chatLimiter: RateLimit;
  metrics: ServerMetrics;
  audit: AuditLog;
  activity?: ActivityRecorder;
}

export async function sample(req: SampleRequest__Output, user: string, signal: AbortSignal, deps: SampleDeps): Promise<SampleResponse> {
  const params = decodeSampleRequest(req);
  const limited = await deps.chatLimiter.take(user);
  if (limited > 0) {
    deps.metrics.rejected.inc({ kind: 'chat', reason: 'rate_limit' });
    throw exhausted(`You have reached this team server's limit of chat turns per minute (an MCP sampling request counts as one); ${retryHint(limited)}.`, limited);
  }
  const admission = deps.scheduler.admission(user);
  if (!admission.ok) {
    deps.metrics.rejected.inc({ kind: 'chat', reason: 'queue_full' });
    throw exhausted(admission.message, admission.retryAfterMs);
  }
  const id = randomUUID();
  const started = performance.now();
  deps.audit.record({ event: 'sampling.start', user, turn: id, model: params.model, mcpServer: params.mcpServer, messages: params.messages.length, maxTokens: params.maxTokens });
  const observed = deps.activity?.observeTurn(user);
  let outcome = 'error';
  try {
    const answer = await sampleWithAgent(deps.agentFor(user), params, { model: params.model, think: params.think }, signal);
    outcome = answer.stopReason;
    if (answer.usage) observed?.usage(answer.usage);
    return encodeSampleResponse(answer);
  } catch (err) {
    if (signal.aborted) {
      outcome = 'cancelled';
      throw new ServiceFailure(status.CANCELLED, 'The sampling request was cancelled.');
    }
    if (err instanceof HearthException) {
      throw new ServiceFailure(err.error.code === 'modelNotFound' ? status.NOT_FOUND : err.error.code === 'invalidRequest' ? status.INVALID_ARGUMENT : status.UNAVAILABLE, err.error.message);
    }
    throw err;
  } finally {
    observed?.end();
    deps.audit.record({ event: 'sampling.end', user, turn: id, reason: outcome, durationMs: Math.round(performance.now() - started) });
  }
}
