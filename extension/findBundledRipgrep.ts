import * as vscode from 'vscode';
import * as path from 'node:path';
import { access } from 'node:fs/promises';

/**
 * VS Code ships ripgrep under its application root; the language server uses
 * it for the grep tool when present, so search works without any install.
 */
export async function findBundledRipgrep(): Promise<string | undefined> {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  const candidates = [
    path.join(vscode.env.appRoot, 'node_modules', '@vscode', 'ripgrep', 'bin', exe),
    path.join(vscode.env.appRoot, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', exe),
  ];
  for (const candidate of candidates) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // Not there; try the next location.
    }
  }
  return undefined;
}
