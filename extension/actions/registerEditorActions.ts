import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import type { ContextItem } from '../../protocol/chat';
import {
  CommitMessageRequest,
  EditGenerateRequest,
  HearthActionCommands,
  type EditGenerateParams,
  type EditGenerateResult,
  type EditKind,
  type ExplainCommandArgs,
  type FixCommandArgs,
} from '../../protocol/lspMethods';
import { actionTarget, fullLines, rangeContext } from './actionTarget';
import { pickRepository } from './stagedDiff';
import { reviewColumn } from '../reviewColumn';
import { isCancelledRequest, requestErrorMessage } from '../requestErrors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../notifications';

/** A code change for the user to review in a diff: accepted (true) or rejected. */
export interface ReviewEditRequest {
  uri: vscode.Uri;
  range: vscode.Range;
  newText: string;
  title: string;
}

export interface EditorActionDeps {
  client: Pick<BaseLanguageClient, 'sendRequest' | 'protocol2CodeConverter' | 'code2ProtocolConverter'>;
  /** Opens the chat panel and sends a message with context; the answer streams there. */
  ask(text: string, context: ContextItem[]): Promise<void>;
  /** Shows a change as a diff (the same review path the agent's edits use). */
  reviewEdit(edit: ReviewEditRequest): Promise<boolean>;
  /** Shows a file to create as a diff against nothing (the same review path); accepting creates and saves it. */
  reviewNewFile(file: { uri: vscode.Uri; content: string; title: string }): Promise<boolean>;
}

const EXPLAIN_PROMPT = 'Explain this code: what it does, how it does it, and anything surprising or risky in it.';

const EDIT_TITLES: Record<EditKind, string> = {
  fix: 'Fixing',
  document: 'Documenting',
  refactor: 'Refactoring',
  tests: 'Writing tests for',
};

/** "@tester · qwen2.5-coder:7b": the role the action ran as and its model, for the diff's title. */
function madeBy(result: EditGenerateResult): string {
  return result.agent ? `@${result.agent} · ${result.model}` : result.model;
}

/**
 * The command-palette, context-menu and lightbulb actions: explain, ask,
 * fix, document, refactor, write tests, and the commit message. Explaining
 * goes to the chat panel; changing code asks the language server for the new
 * text and shows it as a diff to accept or reject, so nothing changes without
 * the user's review.
 */
export function registerEditorActions(context: vscode.ExtensionContext, deps: EditorActionDeps): void {
  const { client } = deps;
  const register = (id: string, run: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  /** The editor and range for a command, from a code action's arguments or the active editor. */
  async function resolveTarget(args?: { uri: string; range: ExplainCommandArgs['range'] }): Promise<{ document: vscode.TextDocument; range: vscode.Range } | undefined> {
    if (args?.uri) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
      return { document, range: client.protocol2CodeConverter.asRange(args.range) };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void showInformationMessage('Hearth: open a file and select some code first.');
      return undefined;
    }
    return { document: editor.document, range: await actionTarget(editor) };
  }

  /** Asks the server for the new text of `range` and hands it to the diff review. */
  async function editWithReview(document: vscode.TextDocument, range: vscode.Range, kind: EditKind, extra: Partial<EditGenerateParams> = {}): Promise<void> {
    const version = document.version;
    const name = vscode.workspace.asRelativePath(document.uri);
    const params: EditGenerateParams = { textDocument: { uri: document.uri.toString() }, range: client.code2ProtocolConverter.asRange(range), kind, ...extra };
    let result;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Hearth: ${EDIT_TITLES[kind]} ${name}…`, cancellable: true },
        // Cancelling the notification cancels the LSP request, which aborts the model request.
        (_progress, token) => client.sendRequest(EditGenerateRequest.type, params, token),
      );
    } catch (err) {
      if (!isCancelledRequest(err)) void showErrorMessage(`Hearth: ${requestErrorMessage(err)}`);
      return;
    }
    if (kind === 'tests') {
      await reviewTests(name, result);
      return;
    }
    if (document.version !== version) {
      void showWarningMessage(`Hearth: ${name} changed while the change was being written, so it no longer fits. Run the action again.`);
      return;
    }
    await deps.reviewEdit({ uri: document.uri, range, newText: result.newText, title: `Hearth: ${EDIT_TITLES[kind]} ${name} (${madeBy(result)})` });
  }

  /**
   * Tests go to the test file the server chose by the project's conventions,
   * through the same diff review as every other change: a new file is shown
   * against nothing and created on Accept; an existing one gets the new tests
   * appended at its end. A file that is not saved anywhere has no place for
   * tests yet, so its tests open in a new editor as before.
   */
  async function reviewTests(name: string, result: EditGenerateResult): Promise<void> {
    const target = result.testFile;
    if (!target) {
      const tests = await vscode.workspace.openTextDocument({ content: result.newText });
      await vscode.window.showTextDocument(tests, { viewColumn: reviewColumn(), preview: false });
      void showInformationMessage(`Hearth wrote tests for ${name} with ${result.model}. Save the file to give them a place; then Write Tests picks the test file for you.`);
      return;
    }
    const uri = vscode.Uri.parse(target.uri);
    const title = `Hearth: tests for ${name} → ${target.relativePath}${target.framework ? ` (${target.framework})` : ''} (${madeBy(result)})`;
    const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
    if (!exists) {
      await deps.reviewNewFile({ uri, content: result.newText.endsWith('\n') ? result.newText : `${result.newText}\n`, title });
      return;
    }
    const testDocument = await vscode.workspace.openTextDocument(uri);
    const end = testDocument.lineAt(testDocument.lineCount - 1).range.end;
    const current = testDocument.getText();
    const separator = current === '' ? '' : current.endsWith('\n\n') ? '' : current.endsWith('\n') ? '\n' : '\n\n';
    const appended = `${separator}${result.newText.replace(/\n*$/, '')}\n`;
    await deps.reviewEdit({ uri, range: new vscode.Range(end, end), newText: appended, title });
  }

  register(HearthActionCommands.explainSelection, async (args?: ExplainCommandArgs) => {
    const target = await resolveTarget(args);
    if (target) await deps.ask(EXPLAIN_PROMPT, [rangeContext(target.document, target.range)]);
  });

  register('hearth.askAboutSelection', async () => {
    const target = await resolveTarget();
    if (!target) return;
    const question = await vscode.window.showInputBox({ title: 'Ask Hearth about the selection', prompt: 'Your question about the selected code', ignoreFocusOut: true });
    if (question?.trim()) await deps.ask(question.trim(), [rangeContext(target.document, target.range)]);
  });

  register(HearthActionCommands.fix, async (args?: FixCommandArgs) => {
    if (args?.uri) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
      const range = fullLines(document, client.protocol2CodeConverter.asRange(args.range));
      await editWithReview(document, range, 'fix', { diagnostics: args.diagnostics });
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void showInformationMessage('Hearth: open a file with a problem to fix.');
    const { document, selection } = editor;
    const problems = vscode.languages.getDiagnostics(document.uri).filter((d) => (selection.isEmpty ? d.range.contains(selection.active) : !!d.range.intersection(selection)));
    if (problems.length === 0 && selection.isEmpty) {
      return void showInformationMessage('Hearth: there is no problem at the cursor. Put the cursor on a squiggle, or select code to fix.');
    }
    const range = problems.length > 0 ? fullLines(document, problems.map((d) => d.range).reduce((a, b) => a.union(b))) : fullLines(document, selection);
    await editWithReview(document, range, 'fix', { diagnostics: problems.map((d) => client.code2ProtocolConverter.asDiagnostic(d)) });
  });

  register('hearth.addDocumentation', async () => {
    const target = await resolveTarget();
    if (target) await editWithReview(target.document, target.range, 'document');
  });

  register('hearth.writeTests', async () => {
    const target = await resolveTarget();
    if (target) await editWithReview(target.document, target.range, 'tests');
  });

  register('hearth.refactor', async () => {
    const target = await resolveTarget();
    if (!target) return;
    const instruction = await vscode.window.showInputBox({
      title: 'Refactor with Hearth',
      prompt: 'How should the code change?',
      placeHolder: 'e.g. extract the loop into a function; use async/await',
      ignoreFocusOut: true,
    });
    if (instruction?.trim()) await editWithReview(target.document, target.range, 'refactor', { instruction: instruction.trim() });
  });

  register('hearth.generateCommitMessage', async (sourceControl?: { rootUri?: vscode.Uri }) => {
    const repository = await pickRepository(sourceControl);
    if (typeof repository === 'string') return void showWarningMessage(`Hearth: ${repository}`);
    let diff: string;
    try {
      diff = await repository.diff(true);
    } catch (err) {
      return void showErrorMessage(`Hearth: git could not show the staged changes (${err instanceof Error ? err.message.split('\n')[0] : String(err)}).`);
    }
    if (diff.trim() === '') {
      return void showInformationMessage('Hearth: nothing is staged. Stage the changes to describe, then generate the message.');
    }
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Hearth: Writing a commit message…', cancellable: true },
        (_progress, token) => client.sendRequest(CommitMessageRequest.type, { diff }, token),
      );
      repository.inputBox.value = result.message;
      await vscode.commands.executeCommand('workbench.view.scm');
    } catch (err) {
      if (!isCancelledRequest(err)) void showErrorMessage(`Hearth: ${requestErrorMessage(err)}`);
    }
  });
}
