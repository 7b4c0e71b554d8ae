import { authorizationHeaders } from '../settings/readOllamaHost';
import * as path from 'node:path';
import { createOllamaEmbedder, EmbeddingUnavailable, searchSources, SourceIndex, type Embedder, type ProxyRoute } from '../../agent-host';
import type { CodebaseSearchHit } from '../tools';

/** A documentation passage shown in full (it may be outside the workspace, where read_file cannot reach), up to this many characters. */
const MAX_PASSAGE_CHARS = 1500;
/** A search re-reads the folders when their last pass is older than this (only changed files are read again). */
const STALE_AFTER_MS = 30_000;

export interface DocumentationConfig {
  /** Absolute folders from the user's settings (hearth.codebaseSearch.documentationFolders). */
  folders: string[];
  embeddingModel: string;
  ollamaHost: string;
  /** The host's Authorization header (see HearthSettings.ollama). */
  ollamaAuthorization?: string;
}

interface Folder {
  root: string;
  /** The name citations use: the folder's own name, made unique. */
  label: string;
  index: SourceIndex;
  error?: string;
}

/**
 * The user's documentation folders (Markdown, text, reStructuredText,
 * AsciiDoc), indexed in memory like the team server's document sets (the
 * agent core's SourceIndex) and searched beside the workspace by
 * codebase_search. The folders come only from the user's own settings (the
 * setting has application scope), so a repository cannot point them at
 * ~/.ssh; files are read without following symlinks out of each folder.
 */
export class DocumentationFolders {
  private folders: Folder[] = [];
  private key = '';
  private embedder?: Embedder;
  private syncing?: Promise<void>;
  private syncedAt = 0;

  /** @param proxyRoute the Ollama host's proxy, as the chat agent's (OutgoingProxies) */
  constructor(
    private readonly log: (message: string) => void = () => {},
    private readonly proxyRoute?: ProxyRoute,
  ) {}

  get configured(): boolean {
    return this.folders.length > 0;
  }

  /** Applies the settings; a change of folders or model starts over. */
  configure(config: DocumentationConfig): void {
    const key = JSON.stringify(config);
    if (key === this.key) return;
    this.key = key;
    this.embedder = config.embeddingModel ? createOllamaEmbedder({ host: config.ollamaHost, headers: authorizationHeaders(config.ollamaAuthorization), model: config.embeddingModel, proxyRoute: this.proxyRoute }) : undefined;
    const used = new Set<string>();
    this.folders = config.folders.filter((f) => path.isAbsolute(f)).map((root) => {
      let label = path.basename(root) || 'docs';
      for (let i = 2; used.has(label); i++) label = `${path.basename(root)}-${i}`;
      used.add(label);
      return { root, label, index: new SourceIndex(label, 'documents', this.embedder) };
    });
    this.syncedAt = 0;
  }

  /** Reads changed files of every folder; one pass at a time. */
  sync(signal: AbortSignal): Promise<void> {
    this.syncing ??= (async () => {
      for (const folder of this.folders) {
        try {
          const report = await folder.index.sync(folder.root, undefined, signal);
          folder.error = undefined;
          if (report.indexed > 0) this.log(`Documentation folder ${folder.root}: ${report.files} files (${report.chunks} chunks).`);
        } catch (e) {
          if (signal.aborted) throw e;
          folder.error = (e as Error).message;
          this.log(`Documentation folder ${folder.root} could not be indexed: ${folder.error}`);
        }
      }
      this.syncedAt = Date.now();
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  async search(query: string, limit: number, signal: AbortSignal): Promise<{ hits: CodebaseSearchHit[]; notes: string[]; vectors: boolean }> {
    if (this.folders.length === 0) return { hits: [], notes: [], vectors: false };
    if (this.syncedAt === 0) await this.sync(signal);
    else if (Date.now() - this.syncedAt > STALE_AFTER_MS) void this.sync(AbortSignal.timeout(300_000)).catch(() => undefined);
    const notes = this.folders.filter((f) => f.error).map((f) => `The documentation folder ${f.root} could not be read: ${f.error}`);
    let queryVector: Float32Array | undefined;
    if (this.embedder && this.folders.some((f) => f.index.hasVectors)) {
      try {
        [queryVector] = await this.embedder.embed([query], 'query', signal);
      } catch (e) {
        if (!(e instanceof EmbeddingUnavailable)) throw e;
      }
    }
    const hits: CodebaseSearchHit[] = [];
    for (const { source, id } of searchSources(this.folders.map((f) => f.index), query, queryVector, limit)) {
      const folder = this.folders[source];
      const chunk = folder.index.chunk(id);
      if (!chunk) continue;
      const text = chunk.text.length > MAX_PASSAGE_CHARS ? `${chunk.text.slice(0, MAX_PASSAGE_CHARS)}…` : chunk.text;
      hits.push({ path: `${folder.label}/${chunk.path}`, startLine: chunk.startLine, endLine: chunk.endLine, snippet: text, documentation: folder.root });
    }
    return { hits, notes, vectors: queryVector !== undefined };
  }
}
