import * as vscode from 'vscode';
import type { ProblemInfo } from '../protocol/lspMethods';

const SEVERITY: Record<vscode.DiagnosticSeverity, ProblemInfo['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'info',
};

/** VS Code's current diagnostics for the workspace (or one file), for the agent's get_problems tool. */
export function problemsFromDiagnostics(relativePath: string | undefined, limit = 500): ProblemInfo[] {
  const problems: ProblemInfo[] = [];
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    if (uri.scheme !== 'file') continue;
    const path = vscode.workspace.asRelativePath(uri, false);
    if (relativePath && path !== relativePath.replace(/^\.\//, '')) continue;
    for (const d of diagnostics) {
      if (d.severity === vscode.DiagnosticSeverity.Hint) continue;
      problems.push({ path, line: d.range.start.line + 1, severity: SEVERITY[d.severity], message: d.message, source: d.source });
      if (problems.length >= limit) return problems;
    }
  }
  return problems;
}
