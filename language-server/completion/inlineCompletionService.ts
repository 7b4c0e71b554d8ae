import { InlineCompletionTriggerKind, type CancellationToken, type InlineCompletionList, type InlineCompletionParams, type Position } from 'vscode-languageserver/node';
import { HearthException, suggestionCharLimit, type FimCompleter, type FimModelInfo } from '../../agent-host';
import type { CompletionSettings, CompletionStatus, HearthSettings, ProviderConfig } from '../../protocol/lspMethods';
import { allowsMultiline, buildCompletionPrompt } from './buildCompletionPrompt';
import { completionSettingsOf } from './completionSettingsOf';
import { CompletionStatusReporter } from './completionStatusReporter';
import { disabledFileMatcher, type DisabledFileMatcher } from './disabledFileMatcher';
import { displayPath } from './displayPath';
import { isSuggestionComplete, postProcessCompletion, type SuggestionContext } from './postProcessCompletion';
import { RecentDocuments, type DocumentSource } from './recentDocuments';
import { isShareableDocument } from './shareableDocument';
import { SuggestionCache } from './suggestionCache';

/** Where suggestions come from in local mode: the Ollama of `hearth.ollama.host` and the providers of `hearth.providers`. */
export interface CompletionBackend {
  host: string;
  /** The host's Authorization header, when the setting carried a user name and password. */
  authorization?: string;
  providers: readonly ProviderConfig[];
}

export interface InlineCompletionDeps {
  documents: DocumentSource;
  settings(): Promise<HearthSettings>;
  /** The completer for an Ollama host and the providers beside it (the caller keeps one per backend). */
  completer(backend: CompletionBackend): FimCompleter;
  /** Workspace folder paths, for the file path in the prompt header. */
  /** The workspace folders open now. */
  roots(): readonly string[];
  sendStatus(status: CompletionStatus): void;
  log(message: string): void;
  /**
   * The model's num_ctx (one per model across chat and suggestions, see
   * ModelRunPlanner); absent in tests that drive the service alone.
   */
  plan?(model: string, signal: AbortSignal): Promise<{ numCtx?: number; cold?: boolean }>;
  /** Receives where each answer came from and where its time went (for the benchmark); absent in normal use. */
  trace?(event: CompletionTrace): void;
}

/** Starts each trace line on stderr (HEARTH_COMPLETION_TRACE); the benchmark reads them by it. */
export const COMPLETION_TRACE_PREFIX = 'hearth-completion-trace ';

/**
 * One answered request, with epoch times in milliseconds (sub-millisecond
 * resolution). `source` is where the answer came from: the LRU cache,
 * type-through, a model request this request started, one it shared, or
 * nothing (superseded, cancelled, disabled).
 */
export interface CompletionTrace {
  source: 'cache' | 'typeThrough' | 'model' | 'shared' | 'none';
  receivedAt: number;
  answeredAt: number;
  /** When the debounce was due to end: `debounceMs` after the document's last change. */
  debounceUntil?: number;
  /** When the debounce ended and the HTTP request to the model was sent. */
  requestedModelAt?: number;
  /** When the model's stream ended (as the server saw it). */
  modelDoneAt?: number;
  shown: boolean;
}

function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** One model request, which several identical LSP requests may share. */
interface Generation {
  key: string;
  uri: string;
  controller: AbortController;
  waiters: number;
  result: Promise<string | undefined>;
  debounceUntil?: number;
  requestedModelAt?: number;
  modelDoneAt?: number;
}

interface Snapshot {
  uri: string;
  text: string;
  offset: number;
  languageId: string;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Tokens to generate: a line is rarely over 60 tokens; multi-line suggestions stop at the block end long before this. */
function maxTokensFor(multiline: boolean, maxLines: number): number {
  return multiline ? Math.min(400, Math.max(64, maxLines * 24)) : 64;
}

function toList(text: string, position: Position): InlineCompletionList | null {
  if (!text) return null;
  return { items: [{ insertText: text, range: { start: position, end: position } }] };
}

/**
 * Inline suggestions for `textDocument/inlineCompletion`, from the documents
 * the client synchronised. The optimized pipeline answers from the cache or by
 * type-through when it can (no model call), shares identical in-flight
 * requests, waits a short debounce, and aborts a document's model request the
 * moment the document changes or a request for another position arrives, so
 * no generation runs on for a position the user has typed past. The baseline
 * pipeline (a setting, for the benchmark) does none of that.
 */
export class InlineCompletionService {
  private readonly cache = new SuggestionCache();
  private readonly recent: RecentDocuments;
  private readonly status: CompletionStatusReporter;
  /** The newest generation per document: the only one whose answer can still be shown. */
  private readonly latest = new Map<string, Generation>();
  private readonly inflight = new Map<string, Generation>();
  /** When each document last changed (preciseNow), the moment its debounce counts from. */
  private readonly changedAt = new Map<string, number>();
  private paused = false;
  private optimized = true;
  private settingsSeen: Promise<HearthSettings> | undefined;
  private scopeSeen = '';
  /** `hearth.completion.disabledFiles` of the settings seen last, compiled once per settings change. */
  private disabledFile: DisabledFileMatcher = () => false;

  constructor(private readonly deps: InlineCompletionDeps) {
    this.recent = new RecentDocuments(deps.documents);
    this.status = new CompletionStatusReporter(deps.sendStatus, deps.log);
  }

  /** `origin`, when given, receives where the answer came from (type-through continues a suggestion already shown). */
  async provide(params: InlineCompletionParams, token: CancellationToken, origin?: { source: CompletionTrace['source'] }): Promise<InlineCompletionList | null> {
    if (!this.deps.trace) return this.answer(params, token, origin);
    const receivedAt = preciseNow();
    const traced: { source: CompletionTrace['source']; generation?: Generation } = origin ?? { source: 'none' };
    const result = await this.answer(params, token, traced);
    const { generation } = traced;
    this.deps.trace({
      source: traced.source,
      receivedAt,
      answeredAt: preciseNow(),
      debounceUntil: generation?.debounceUntil,
      requestedModelAt: generation?.requestedModelAt,
      modelDoneAt: generation?.modelDoneAt,
      shown: result !== null,
    });
    return result;
  }

  private async answer(
    params: InlineCompletionParams,
    token: CancellationToken,
    traced?: { source: CompletionTrace['source']; generation?: Generation },
  ): Promise<InlineCompletionList | null> {
    const { settings, backend } = await this.currentSettings();
    const doc = this.deps.documents.get(params.textDocument.uri);
    if (!doc || this.paused || !settings.enabled || settings.disabledLanguages.includes(doc.languageId)) return null;
    // Decided before the cache too: a file the user has just excluded must not be served a suggestion made before.
    if (this.disabledFile(doc.uri, this.deps.roots())) return null;
    const snapshot: Snapshot = { uri: doc.uri, text: doc.getText(), offset: doc.offsetAt(params.position), languageId: doc.languageId };
    this.recent.touched(doc.uri, snapshot.offset);
    const scope = this.scopeSeen;
    const key = SuggestionCache.keyOf(scope, snapshot.text, snapshot.offset);

    if (settings.pipeline === 'baseline') {
      const generation = this.start(key, snapshot, settings, backend, false);
      if (traced) Object.assign(traced, { source: 'model', generation });
      return this.waitFor(generation, token, params.position, false);
    }
    // Asked for explicitly (Alt+\), the user is waiting: no debounce, and a position the model had nothing for is tried again.
    const invoked = params.context.triggerKind === InlineCompletionTriggerKind.Invoked;
    const hit = this.cache.lookup(snapshot.uri, scope, snapshot.text, snapshot.offset, key);
    this.supersede(snapshot.uri, key);
    if (hit && !(invoked && hit.text === '')) {
      if (traced) traced.source = hit.kind === 'exact' ? 'cache' : 'typeThrough';
      return toList(hit.text, params.position);
    }
    const shared = this.inflight.get(key);
    const generation = shared ?? this.start(key, snapshot, invoked ? { ...settings, debounceMs: 0 } : settings, backend, true);
    if (traced) Object.assign(traced, { source: shared ? 'shared' : 'model', generation });
    return this.waitFor(generation, token, params.position, true);
  }

  /** Pause or resume from the client's status-bar control; pausing stops the running requests. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) for (const generation of [...this.latest.values()]) this.abort(generation);
    this.status.setPaused(paused);
  }

  /** A document changed: its in-flight suggestion is for text that no longer exists. */
  documentChanged(uri: string): void {
    this.changedAt.set(uri, preciseNow());
    this.recent.touched(uri);
    const generation = this.latest.get(uri);
    if (generation && this.optimized) this.abort(generation);
  }

  documentClosed(uri: string): void {
    const generation = this.latest.get(uri);
    if (generation) this.abort(generation);
    this.cache.forgetDocument(uri);
    this.recent.forget(uri);
    this.changedAt.delete(uri);
  }

  /** Checks the configured model once, so the status bar can say it is missing before the user types. */
  async checkModel(): Promise<void> {
    const { settings, backend } = await this.currentSettings();
    if (!settings.enabled) return;
    try {
      const info = await this.deps.completer(backend).describeModel(settings.model);
      if (info.status === 'ready') this.status.healthy(info.model);
      else this.reportUnusable(info, backend.host);
    } catch (err) {
      this.reportError(err);
    }
  }

  /** The settings, noticing when they changed: a new model or host must not be served old suggestions. */
  private async currentSettings(): Promise<{ settings: CompletionSettings; backend: CompletionBackend }> {
    const pending = this.deps.settings();
    const all = await pending;
    const settings = completionSettingsOf(all);
    if (pending !== this.settingsSeen) {
      this.settingsSeen = pending;
      this.optimized = settings.pipeline === 'optimized';
      this.disabledFile = disabledFileMatcher(settings.disabledFiles);
      const scope = JSON.stringify([all.ollama.host, all.ollama.authorization, all.providers ?? [], settings.model, settings.maxLines]);
      if (scope !== this.scopeSeen) {
        this.scopeSeen = scope;
        this.cache.clear();
      }
      this.status.setDisabled(!settings.enabled);
    }
    return { settings, backend: { host: all.ollama.host, authorization: all.ollama.authorization, providers: all.providers ?? [] } };
  }

  private start(key: string, snapshot: Snapshot, settings: CompletionSettings, backend: CompletionBackend, optimized: boolean): Generation {
    const generation: Generation = { key, uri: snapshot.uri, controller: new AbortController(), waiters: 0, result: Promise.resolve(undefined) };
    if (optimized) {
      this.inflight.set(key, generation);
      this.latest.set(snapshot.uri, generation);
    }
    generation.result = this.generate(generation, snapshot, settings, backend, optimized);
    return generation;
  }

  /** A request for another position in the same document makes the older one pointless. */
  private supersede(uri: string, key: string): void {
    const current = this.latest.get(uri);
    if (current && current.key !== key) this.abort(current);
  }

  private abort(generation: Generation): void {
    generation.controller.abort();
    if (this.inflight.get(generation.key) === generation) this.inflight.delete(generation.key);
    if (this.latest.get(generation.uri) === generation) this.latest.delete(generation.uri);
  }

  /**
   * Waits for a generation on behalf of one LSP request. When the client
   * cancels and nobody else waits for the generation, its model request is
   * aborted too (in the optimized pipeline).
   */
  private waitFor(generation: Generation, token: CancellationToken, position: Position, abortWhenUnwanted: boolean): Promise<InlineCompletionList | null> {
    generation.waiters++;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (text: string | undefined) => {
        if (settled) return;
        settled = true;
        subscription?.dispose();
        generation.waiters--;
        resolve(toList(text ?? '', position));
      };
      const subscription = abortWhenUnwanted
        ? token.onCancellationRequested(() => {
            finish(undefined);
            if (generation.waiters === 0) this.abort(generation);
          })
        : undefined;
      generation.result.then(finish, () => finish(undefined));
    });
  }

  private async generate(generation: Generation, snapshot: Snapshot, settings: CompletionSettings, backend: CompletionBackend, optimized: boolean): Promise<string | undefined> {
    const { signal } = generation.controller;
    try {
      // The debounce is quiet time since the last keystroke, not a wait added to every request: a client
      // that already waited before asking (VS Code holds inline requests ~50 ms after typing stops) is not
      // made to wait again, while a client that asks on every keystroke still gets its model requests debounced.
      let debounced = Promise.resolve(true);
      if (optimized && settings.debounceMs > 0) {
        const now = preciseNow();
        generation.debounceUntil = (this.changedAt.get(snapshot.uri) ?? now) + settings.debounceMs;
        // Rounded up: Node truncates a fractional delay, which would end the quiet time early.
        if (generation.debounceUntil > now) debounced = sleep(Math.ceil(generation.debounceUntil - now), signal);
      }
      // The prompt is prepared while the debounce runs, so its cost hides inside the wait.
      const completer = this.deps.completer(backend);
      const info = await completer.describeModel(settings.model);
      if (signal.aborted) return undefined;
      if (info.status !== 'ready') {
        this.reportUnusable(info, backend.host);
        return undefined;
      }
      const maxTokens = maxTokensFor(allowsMultiline(snapshot.text, snapshot.offset), settings.maxLines);
      // Planning failures (Ollama briefly away) leave num_ctx unset; the request itself reports the real problem.
      const plan = await this.deps.plan?.(info.model, signal).catch(() => undefined);
      const numCtx = plan?.numCtx;
      if (signal.aborted) return undefined;
      const prompt = buildCompletionPrompt({
        ...snapshot,
        path: displayPath(snapshot.uri, this.deps.roots()),
        snippets: await this.recent.snippetsFor(
          snapshot.uri,
          snapshot.languageId,
          (uri) => displayPath(uri, this.deps.roots()),
          // A file the user keeps suggestions out of is kept out of every other file's prompt too: its text
          // would reach the model (the team server in team mode) all the same.
          async (uri) => !this.disabledFile(uri, this.deps.roots()) && (await isShareableDocument(uri, this.deps.roots())),
        ),
        // The prompt must fit the window Ollama really runs with, or Ollama cuts its start.
        contextLength: numCtx !== undefined ? Math.min(numCtx, info.contextLength) : info.contextLength,
        maxTokens,
      });
      const context: SuggestionContext = { prefix: prompt.documentPrefix, suffix: prompt.suffix, multiline: prompt.multiline, maxLines: settings.maxLines, languageId: snapshot.languageId };
      if (!(await debounced) || signal.aborted) return undefined;
      generation.requestedModelAt = preciseNow();
      let raw = '';
      let cancelled = false;
      this.status.thinking(1, info.model, plan?.cold === true);
      try {
        const request = { prefix: prompt.prefix, suffix: prompt.suffix, maxTokens, stop: prompt.multiline ? [] : ['\n'], numCtx };
        // The completers bound what they read; this holds for any completer (a team server answers in one piece).
        const limit = suggestionCharLimit(maxTokens);
        for await (const chunk of completer.complete(info, request, signal)) {
          if (chunk.type === 'done') {
            cancelled = chunk.reason === 'cancelled';
            continue;
          }
          raw += chunk.delta.slice(0, limit - raw.length);
          // Stopping reading aborts the rest of the generation: its text would be cut anyway. Only a line break
          // can complete a suggestion, so the whole text is looked at again only then, not on every token.
          if (raw.length >= limit || (chunk.delta.includes('\n') && isSuggestionComplete(raw, context))) break;
        }
      } finally {
        generation.modelDoneAt = preciseNow();
        this.status.thinking(-1, info.model, plan?.cold === true);
      }
      if (cancelled || signal.aborted) return undefined;
      const suggestion = postProcessCompletion(raw, context) ?? '';
      if (optimized) this.cache.store(snapshot.uri, this.scopeSeen, snapshot.text, snapshot.offset, suggestion, generation.key);
      this.status.healthy(info.model);
      return suggestion;
    } catch (err) {
      if (!signal.aborted) this.reportError(err);
      return undefined;
    } finally {
      if (this.inflight.get(generation.key) === generation) this.inflight.delete(generation.key);
      if (this.latest.get(generation.uri) === generation) this.latest.delete(generation.uri);
    }
  }

  private reportUnusable(info: Exclude<FimModelInfo, { status: 'ready' }>, host: string): void {
    this.status.trouble({
      state: info.status === 'missing' ? 'modelMissing' : 'modelUnsupported',
      model: info.model,
      message: info.message,
      suggestedModel: info.suggestedModel,
      host,
    });
  }

  private reportError(err: unknown): void {
    const message = err instanceof HearthException ? err.error.message : `Inline suggestions failed: ${err instanceof Error ? err.message : String(err)}`;
    this.status.trouble({ state: 'error', model: '', message, host: err instanceof HearthException ? err.error.host : undefined });
  }
}
