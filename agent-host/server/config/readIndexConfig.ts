import { isAbsolute } from 'node:path';
import { parseDuration } from './parseDuration';
import { gitUrlProblem, gitRefProblem } from '../teamIndex/gitSafety';

/** One repository the team index reads: a folder on the server, or a git URL cloned into the data directory. */
export interface IndexedRepository {
  name: string;
  /** An absolute folder on the server (exactly one of path and url). */
  path?: string;
  /** An https:// or ssh:// (or scp-style user@host:path) git URL. */
  url?: string;
  /** The branch or tag to clone; the remote's default branch when unset. */
  branch?: string;
}

/** A set of documents (Markdown, text, reStructuredText…) in a folder on the server. */
export interface IndexedDocumentSet {
  name: string;
  path: string;
}

/** config.yaml `index:` — the team's shared code and documentation index, offered to every agent as team_search. */
export interface TeamIndexConfig {
  repositories: IndexedRepository[];
  documents: IndexedDocumentSet[];
  /** An Ollama embedding model on the first Ollama backend; '' ranks by full text only. */
  embedModel: string;
  /** Where clones live (one folder per repository name). */
  dataDir: string;
  /** How often every source is re-read (and clones fetched). */
  refreshMs: number;
  /** A clone larger than this on disk is removed and reported, never indexed. */
  maxRepoBytes: number;
}

export const DEFAULT_INDEX_CONFIG: TeamIndexConfig = { repositories: [], documents: [], embedModel: '', dataDir: './hearth-data', refreshMs: 15 * 60_000, maxRepoBytes: 1024 * 1024 * 1024 };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Reads `index:` from config.yaml:
 *   index:
 *     data_dir: /var/lib/hearth
 *     refresh: 15m
 *     embed_model: nomic-embed-text
 *     repositories:
 *       - { name: api, url: https://git.example.com/team/api.git, branch: main }
 *       - { name: tools, path: /srv/src/tools }
 *     documents:
 *       - { name: handbook, path: /srv/docs/handbook }
 * Every bad entry is reported by its name or position; none is dropped silently.
 */
export function readIndexConfig(value: unknown, problems: string[]): TeamIndexConfig {
  const config = structuredClone(DEFAULT_INDEX_CONFIG);
  if (value === undefined || value === null) return config;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push('index: must be a map with repositories, documents and optional embed_model, data_dir, refresh');
    return config;
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['repositories', 'documents', 'embed_model', 'data_dir', 'refresh', 'max_repo_size_mb'].includes(key)) problems.push(`index.${key}: unknown setting (repositories, documents, embed_model, data_dir, refresh, max_repo_size_mb)`);
  }
  if (raw.embed_model !== undefined && raw.embed_model !== null) config.embedModel = String(raw.embed_model);
  if (raw.data_dir !== undefined && raw.data_dir !== null && raw.data_dir !== '') config.dataDir = String(raw.data_dir);
  if (raw.refresh !== undefined && raw.refresh !== null) {
    try {
      config.refreshMs = parseDuration(raw.refresh, 'index.refresh');
      if (config.refreshMs < 60_000) problems.push('index.refresh: must be at least 1m (every refresh re-reads every source)');
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (raw.max_repo_size_mb !== undefined) {
    const mb = Number(raw.max_repo_size_mb);
    if (!Number.isInteger(mb) || mb < 1) problems.push('index.max_repo_size_mb: must be a whole number of megabytes, 1 or more');
    else config.maxRepoBytes = mb * 1024 * 1024;
  }
  const names = new Set<string>();
  const named = (entry: Record<string, unknown>, where: string): string | undefined => {
    const name = typeof entry.name === 'string' ? entry.name : '';
    if (!NAME.test(name)) {
      problems.push(`${where}.name: "${name}" must be 1–64 letters, digits, ., - or _ (it names the source in citations and its folder on disk)`);
      return undefined;
    }
    if (names.has(name)) {
      problems.push(`${where}.name: "${name}" is used twice; every repository and document set needs its own name`);
      return undefined;
    }
    names.add(name);
    return name;
  };
  const list = (v: unknown, where: string): Record<string, unknown>[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      problems.push(`${where}: must be a list`);
      return [];
    }
    return v.map((e) => (typeof e === 'object' && e !== null && !Array.isArray(e) ? (e as Record<string, unknown>) : {}));
  };
  list(raw.repositories, 'index.repositories').forEach((entry, i) => {
    const where = `index.repositories[${i}]`;
    const name = named(entry, where);
    const path = typeof entry.path === 'string' && entry.path !== '' ? entry.path : undefined;
    const url = typeof entry.url === 'string' && entry.url !== '' ? entry.url : typeof entry.git === 'string' && entry.git !== '' ? entry.git : undefined;
    if ((path === undefined) === (url === undefined)) {
      problems.push(`${where}: give exactly one of path (a folder on the server) and url (a git URL to clone)`);
      return;
    }
    const pathProblem = path !== undefined && !isAbsolute(path);
    if (pathProblem) problems.push(`${where}.path: "${path}" must be an absolute path on the server`);
    const urlProblem = url !== undefined ? gitUrlProblem(url) : undefined;
    if (urlProblem) problems.push(`${where}.url: ${urlProblem}`);
    const branch = entry.branch === undefined || entry.branch === null ? undefined : String(entry.branch);
    const refProblem = branch !== undefined ? gitRefProblem(branch) : undefined;
    if (refProblem) problems.push(`${where}.branch: ${refProblem}`);
    if (branch !== undefined && url === undefined) problems.push(`${where}.branch: only a cloned repository (url) has a branch to choose; a path is read as it is`);
    if (!name || pathProblem || urlProblem || refProblem) return;
    const repo: IndexedRepository = { name };
    if (path !== undefined) repo.path = path;
    if (url !== undefined) repo.url = url;
    if (branch !== undefined) repo.branch = branch;
    config.repositories.push(repo);
  });
  list(raw.documents, 'index.documents').forEach((entry, i) => {
    const where = `index.documents[${i}]`;
    const name = named(entry, where);
    const path = typeof entry.path === 'string' ? entry.path : '';
    if (!isAbsolute(path)) {
      problems.push(`${where}.path: "${path}" must be an absolute folder on the server`);
      return;
    }
    if (name) config.documents.push({ name, path });
  });
  return config;
}
