import { CodeActionKind, type CodeAction, type CodeActionParams, type Range } from 'vscode-languageserver/node';
import { HearthActionCommands, type ExplainCommandArgs, type FixCommandArgs } from '../../protocol/lspMethods';

function isEmpty(range: Range): boolean {
  return range.start.line === range.end.line && range.start.character === range.end.character;
}

function union(ranges: Range[]): Range {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
  let { start, end } = ranges[0];
  for (const r of ranges.slice(1)) {
    if (before(r.start, start)) start = r.start;
    if (before(end, r.end)) end = r.end;
  }
  return { start, end };
}

/** Whether the client's `only` filter (for example "source.organizeImports" on save) admits `kind`. */
function admits(only: string[] | undefined, kind: string | undefined): boolean {
  if (!only) return true;
  return kind !== undefined && only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/**
 * The lightbulb entries: "Fix with Hearth" where the editor reports problems,
 * "Explain with Hearth" on a selection. Both are commands the client
 * implements (it owns the chat panel and the diff review), so computing them
 * costs nothing and the lightbulb never waits for a model.
 */
export function provideCodeActions(params: CodeActionParams): CodeAction[] {
  const actions: CodeAction[] = [];
  const { diagnostics, only } = params.context;
  const uri = params.textDocument.uri;
  if (diagnostics.length > 0 && admits(only, CodeActionKind.QuickFix)) {
    const args: FixCommandArgs = { uri, range: union(diagnostics.map((d) => d.range)), diagnostics };
    const title = diagnostics.length === 1 ? 'Fix with Hearth' : `Fix ${diagnostics.length} problems with Hearth`;
    actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics, command: { title, command: HearthActionCommands.fix, arguments: [args] } });
  }
  // Explaining changes nothing, so it is not a quick fix or a refactoring and carries no kind.
  if (!isEmpty(params.range) && admits(only, undefined)) {
    const args: ExplainCommandArgs = { uri, range: params.range };
    actions.push({ title: 'Explain with Hearth', command: { title: 'Explain with Hearth', command: HearthActionCommands.explainSelection, arguments: [args] } });
  }
  return actions;
}
