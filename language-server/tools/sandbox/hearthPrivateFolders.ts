import * as path from 'node:path';

/**
 * The folders of Hearth's own that sandboxed commands must see empty, from
 * the storage folder the editor gave the language server (VS Code's
 * `globalStorageUri` for Hearth). It holds the chats of every workspace, the
 * checkpoints of their files and the MCP approvals; the folder around it,
 * VS Code's `User/globalStorage`, holds every extension's storage and
 * `state.vscdb`, VS Code's secret store (encrypted with a fixed key where no
 * keyring exists), Hearth's team server key among them. The sandbox's list of
 * credential folders names the usual places under the home directory, but
 * the editor may keep its data anywhere (`--user-data-dir`, portable mode),
 * and this is the one place the language server knows for certain.
 */
export function hearthPrivateFolders(storagePath: string): string[] {
  if (!path.isAbsolute(storagePath)) return [];
  const parent = path.dirname(storagePath);
  return [path.basename(parent) === 'globalStorage' ? parent : storagePath];
}
