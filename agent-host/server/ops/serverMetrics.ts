/**
 * The Prometheus metrics of one team server, on their own registry so that
 * several servers (tests, benchmarks) can live in one process.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly rpcs = new Counter({ name: 'hearth_rpcs_total', help: 'Finished RPCs by method and status code.', labelNames: ['method', 'code'], registers: [this.registry] });
  readonly activeStreams = new Gauge({ name: 'hearth_active_chat_streams', help: 'Chat turns streaming now.', registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'hearth_queue_depth', help: 'Requests waiting for a GPU slot.', labelNames: ['kind'], registers: [this.registry] });
  readonly queueWait = new Histogram({
    name: 'hearth_queue_wait_seconds',
    help: 'Time requests waited for a GPU slot.',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({ name: 'hearth_backend_in_flight', help: 'Model requests running per backend.', labelNames: ['backend'], registers: [this.registry] });
  readonly modelLatency = new Histogram({
    name: 'hearth_model_request_seconds',
    help: 'Duration of model requests, from sending to the last byte.',
    labelNames: ['backend', 'kind'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly firstToken = new Histogram({
    name: 'hearth_model_first_byte_seconds',
    help: 'Time from sending a model request to its first streamed byte.',
    labelNames: ['backend', 'kind'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly tokens = new Counter({ name: 'hearth_tokens_total', help: 'Tokens processed by the backends.', labelNames: ['backend', 'direction'], registers: [this.registry] });
  readonly authFailures = new Counter({ name: 'hearth_auth_failures_total', help: 'Refused sign-ins and tokens by reason.', labelNames: ['reason'], registers: [this.registry] });
  readonly toolRequests = new Counter({ name: 'hearth_tool_requests_total', help: 'Tool requests sent to clients by outcome.', labelNames: ['outcome'], registers: [this.registry] });
  readonly rejected = new Counter({ name: 'hearth_rejected_total', help: 'Requests refused for capacity or rate limits.', labelNames: ['kind', 'reason'], registers: [this.registry] });
  readonly unreadReplies = new Counter({ name: 'hearth_unread_replies_total', help: 'Chat turns ended because the client stopped reading the reply.', registers: [this.registry] });

  readonly indexFiles = new Gauge({ name: 'hearth_team_index_files', help: 'Files in the team index per source.', labelNames: ['source', 'kind'], registers: [this.registry] });
  readonly indexChunks = new Gauge({ name: 'hearth_team_index_chunks', help: 'Chunks in the team index per source.', labelNames: ['source', 'kind'], registers: [this.registry] });
  readonly indexReady = new Gauge({ name: 'hearth_team_index_ready', help: '1 when a source was indexed by its last refresh, 0 while indexing or after a failure.', labelNames: ['source', 'kind'], registers: [this.registry] });
  readonly indexRefreshed = new Gauge({ name: 'hearth_team_index_refreshed_timestamp_seconds', help: 'When each source was last indexed successfully.', labelNames: ['source', 'kind'], registers: [this.registry] });
  readonly teamSearches = new Counter({ name: 'hearth_team_searches_total', help: 'team_search calls by outcome.', labelNames: ['outcome'], registers: [this.registry] });

  constructor(withProcessMetrics = true) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'hearth_' });
  }
}
