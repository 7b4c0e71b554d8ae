import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { PROBLEMS_MENTION, type ContextItem } from '../../protocol/chat';
import { fillSourceLines, type LocatedProblem } from './fillSourceLines';
import { mentionReadRefusal } from './mentionReadRule';
import type { SecretsFiles } from './withholdRefusedDiffs';
import { MAX_PROBLEMS, problemsReport, sortProblems, type ProblemEntry } from './problemsReport';

/** A closed file larger than this is not read for its offending lines (the diagnostics still go in). */
const MAX_SOURCE_FILE_BYTES = 2 * 1024 * 1024;

function severityOf(d: vscode.Diagnostic): ProblemEntry['severity'] | undefined {
  if (d.severity === vscode.DiagnosticSeverity.Error) return 'error';
  if (d.severity === vscode.DiagnosticSeverity.Warning) return 'warning';
  return undefined;
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return code === undefined ? undefined : String(code);
}

/**
 * The lines of a file for the offending source lines: an open document's
 * current text (unsaved edits included, which is what the diagnostics are
 * about), else the file on disk under the `@file` rules. Undefined when it
 * may not or cannot be read; the problem is then listed without its line.
 */
async function linesOf(uri: vscode.Uri, folders: readonly string[]): Promise<string[] | undefined> {
  const open = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === uri.toString());
  if (open) return open.getText().split(/\r?\n/);
  if (uri.scheme !== 'file' || (await mentionReadRefusal(uri.fsPath, folders)) !== undefined) return undefined;
  try {
    const stat = await fs.stat(uri.fsPath);
    if (!stat.isFile() || stat.size > MAX_SOURCE_FILE_BYTES) return undefined;
    const text = await fs.readFile(uri.fsPath, 'utf8');
    return text.includes('\0') ? undefined : text.split(/\r?\n/);
  } catch {
    return undefined;
  }
}

/**
 * What `@problems` attaches: the errors and warnings VS Code shows for files
 * in the workspace's folders (a file outside them is not the workspace's, and
 * its lines are not the agent's to read), formatted by problemsReport.ts;
 * a secrets file's problems go without their lines (fillSourceLines.ts).
 * Always returns an item with text, so "no problems" is said, not silent.
 */
export async function problemsContext(secretsFiles: SecretsFiles): Promise<ContextItem> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const entries: (ProblemEntry & { uri: vscode.Uri })[] = [];
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    if (!vscode.workspace.getWorkspaceFolder(uri)) continue;
    const path = vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
    for (const d of diagnostics) {
      const severity = severityOf(d);
      if (!severity) continue;
      const code = codeOf(d);
      entries.push({ uri, path, line: d.range.start.line + 1, column: d.range.start.character + 1, severity, message: d.message, ...(d.source ? { source: d.source } : {}), ...(code ? { code } : {}) });
    }
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const activePath = active && vscode.workspace.getWorkspaceFolder(active) ? vscode.workspace.asRelativePath(active, (vscode.workspace.workspaceFolders?.length ?? 0) > 1) : undefined;
  // Only the problems that will be listed need their lines, so at most MAX_PROBLEMS files are read.
  const listed = sortProblems(entries, activePath).slice(0, MAX_PROBLEMS);
  const uris = new Map(listed.map((p) => [p.uri.toString(), p.uri]));
  const located = listed.map((p): LocatedProblem => ({ ...p, key: p.uri.toString(), ...(p.uri.scheme === 'file' ? { filePath: p.uri.fsPath } : {}) }));
  await fillSourceLines(located, (p) => linesOf(uris.get(p.key)!, folders), secretsFiles);
  located.forEach((p, i) => p.sourceLine !== undefined && (listed[i].sourceLine = p.sourceLine));
  return { kind: 'mention', path: PROBLEMS_MENTION, text: problemsReport(entries.map(({ uri: _uri, ...p }) => p), activePath ? { activePath } : {}) };
}
