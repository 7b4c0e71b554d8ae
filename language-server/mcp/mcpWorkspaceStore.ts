import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { McpServerSource, McpToolDefinitionSnapshot } from '../../protocol/lspMethods';

export type TrustDecision = 'trusted' | 'denied';

interface ServerTrustRecord {
  configHash: string;
  /**
   * The mcp.json the decision was about. The hash covers the entry only, and
   * `${workspaceFolder}` makes the same entry run another folder's files: a
   * decision holds for the file it was made for. Records written before this
   * field existed hold for the mcp.json of the folders the store is named
   * after, the only ones they can have been made for.
   */
  configPath?: string;
  decision: TrustDecision;
  decidedAt: string;
}

/** The definition a user last approved for a tool, and whether they allowed it for good. */
export interface ToolApprovalRecord {
  definitionHash: string;
  definition: McpToolDefinitionSnapshot;
  alwaysAllow: boolean;
  approvedAt: string;
}

interface StoreFile {
  version: 1;
  /** The workspace folders this file belongs to, for a human who opens it. */
  folders: string[];
  servers: Record<string, ServerTrustRecord>;
  tools: Record<string, ToolApprovalRecord>;
}

/** Identifies one server's tool across restarts: its source, its configured name and the tool's own name. */
export function toolApprovalKey(source: McpServerSource, server: string, tool: string): string {
  return JSON.stringify([source, server, tool]);
}

/**
 * The user's MCP decisions for one workspace: which workspace servers they
 * trusted (tied to a hash of each server's entry) and which tools they
 * approved (tied to a hash of each tool's definition). It lives in the
 * language server's storage, outside the workspace, so neither the agent's
 * file tools nor a cloned repository can write it.
 */
export class McpWorkspaceStore {
  readonly file: string;
  private data?: Promise<StoreFile>;
  private writes: Promise<void> = Promise.resolve();

  constructor(storagePath: string, private readonly folders: readonly string[], private readonly log: (message: string) => void = () => undefined) {
    const key = createHash('sha256').update(JSON.stringify([...folders].sort())).digest('hex').slice(0, 16);
    this.file = path.join(storagePath, 'mcp', `workspace-${key}.json`);
  }

  private load(): Promise<StoreFile> {
    this.data ??= fs.readFile(this.file, 'utf8').then(
      (text) => {
        try {
          const parsed = JSON.parse(text) as Partial<StoreFile>;
          return { version: 1, folders: [...this.folders], servers: parsed.servers ?? {}, tools: parsed.tools ?? {} };
        } catch {
          // A damaged file loses only past decisions: the user is asked again, nothing runs unasked.
          this.log(`${this.file} was damaged; MCP trust and approvals for this workspace start over.`);
          return this.empty();
        }
      },
      () => this.empty(),
    );
    return this.data;
  }

  private empty(): StoreFile {
    return { version: 1, folders: [...this.folders], servers: {}, tools: {} };
  }

  /** Saves through a temporary file and a rename, one write at a time, so a crash never leaves half a file. */
  private save(data: StoreFile): Promise<void> {
    const run = this.writes.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      await fs.writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await fs.rename(temp, this.file);
    });
    this.writes = run.catch((err: unknown) => this.log(`Could not save MCP decisions to ${this.file}: ${(err as Error).message}`));
    return this.writes;
  }

  /**
   * The user's decision about this exact entry of a workspace server, and
   * whether they had trusted an earlier version of it (so the prompt can say
   * that it changed).
   */
  async trust(name: string, configHash: string, configPath: string): Promise<{ decision?: TrustDecision; changed: boolean }> {
    const record = (await this.load()).servers[name];
    // A decision about another folder's server of that name says nothing about this one: the user is asked.
    if (!record || !this.sameFile(record, configPath)) return { changed: false };
    if (record.configHash === configHash) return { decision: record.decision, changed: false };
    return { changed: record.decision === 'trusted' };
  }

  private sameFile(record: ServerTrustRecord, configPath: string): boolean {
    if (record.configPath !== undefined) return record.configPath === configPath;
    return this.folders.some((folder) => path.join(folder, '.vscode', 'mcp.json') === configPath);
  }

  async setTrust(name: string, configHash: string, configPath: string, decision: TrustDecision): Promise<void> {
    const data = await this.load();
    data.servers[name] = { configHash, configPath, decision, decidedAt: new Date().toISOString() };
    await this.save(data);
  }

  /** Forgets a "do not start" answer, so the user is asked again. */
  async forgetDenial(name: string): Promise<void> {
    const data = await this.load();
    if (data.servers[name]?.decision !== 'denied') return;
    delete data.servers[name];
    await this.save(data);
  }

  async toolApproval(key: string): Promise<ToolApprovalRecord | undefined> {
    return (await this.load()).tools[key];
  }

  async recordToolApproval(key: string, definitionHash: string, definition: McpToolDefinitionSnapshot, alwaysAllow: boolean): Promise<void> {
    const data = await this.load();
    data.tools[key] = { definitionHash, definition, alwaysAllow, approvedAt: new Date().toISOString() };
    await this.save(data);
  }
}
