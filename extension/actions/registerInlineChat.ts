import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { EditGenerateRequest, type EditGenerateResult } from '../../protocol/lspMethods';
import { actionTarget } from './actionTarget';
import type { ReviewEditRequest } from './registerEditorActions';
import { isCancelledRequest, requestErrorMessage } from '../requestErrors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../notifications';

export const INLINE_CHAT_COMMAND = 'hearth.inlineChat';
/** The context key package.json's Ctrl+I binding checks (see `hearth.inlineChat.ctrlI`). */
const OWNS_CTRL_I = 'hearth.inlineChat.ownsCtrlI';
/** Copilot Chat brings VS Code's own inline chat; with `auto`, Ctrl+I stays with it when it is installed. */
const COPILOT_CHAT = 'GitHub.copilot-chat';

export interface InlineChatDeps {
  client: Pick<BaseLanguageClient, 'sendRequest' | 'code2ProtocolConverter'>;
  /** Shows a change as a diff (the same review path as the agent's edits and Refactor). */
  reviewEdit(edit: ReviewEditRequest): Promise<boolean>;
}

/** What the last inline chat changed, so running it again on the same code offers the same instruction to refine. */
interface LastRequest {
  uri: string;
  range: vscode.Range;
  instruction: string;
}

function linesLabel(range: vscode.Range): string {
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  return last === range.start.line + 1 ? `line ${last}` : `lines ${range.start.line + 1}–${last}`;
}

/**
 * Hearth's inline chat (Ctrl+I / Cmd+I in the editor): an instruction for the
 * selection (or the function or line at the cursor) becomes a change shown in
 * the same diff review as Refactor and the agent's edits. The model side is
 * Refactor with Instruction's request, so one server path owns the prompt and
 * the model. While the model works, the code being changed is highlighted
 * with a note at its end, and a notification offers Cancel, which aborts the
 * model request. After Accept or Reject the user can refine or try again.
 */
export function registerInlineChat(context: vscode.ExtensionContext, deps: InlineChatDeps): void {
  let last: LastRequest | undefined;
  const working = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    isWholeLine: true,
  });
  const note = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
  });
  context.subscriptions.push(working, note);

  const updateOwnership = () => {
    const choice = vscode.workspace.getConfiguration('hearth').get<string>('inlineChat.ctrlI', 'auto');
    const copilot = vscode.extensions.getExtension(COPILOT_CHAT) !== undefined;
    void vscode.commands.executeCommand('setContext', OWNS_CTRL_I, choice === 'hearth' || (choice === 'auto' && !copilot));
  };
  updateOwnership();
  context.subscriptions.push(
    vscode.extensions.onDidChange(updateOwnership),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hearth.inlineChat.ctrlI') && updateOwnership()),
  );

  /** One round: ask, generate, review; returns what the follow-up needs, or undefined when the user stopped. */
  async function round(editor: vscode.TextEditor, range: vscode.Range, prefill: string | undefined): Promise<{ range: vscode.Range; instruction: string; accepted: boolean } | undefined> {
    const { document } = editor;
    const name = vscode.workspace.asRelativePath(document.uri);
    editor.setDecorations(working, [range]);
    let instruction: string | undefined;
    try {
      instruction = await vscode.window.showInputBox({
        title: `Hearth: change ${linesLabel(range)} of ${name}`,
        prompt: 'Describe the change. Enter asks the model; the result opens as a diff to Accept or Reject.',
        placeHolder: 'e.g. handle the empty list; use async/await; add types',
        value: prefill,
        ignoreFocusOut: true,
      });
    } finally {
      if (!instruction?.trim()) editor.setDecorations(working, []);
    }
    instruction = instruction?.trim();
    if (!instruction) return undefined;
    const version = document.version;
    const noteAt = new vscode.Range(range.end.line > range.start.line && range.end.character === 0 ? range.end.line - 1 : range.end.line, 0, range.end.line, 0);
    const endLine = document.lineAt(noteAt.start.line);
    // Decorations cannot show codicons, so the note uses a plain glyph.
    editor.setDecorations(note, [{ range: endLine.range, renderOptions: { after: { contentText: '⟳ Hearth is writing the change… (Cancel in the notification)' } } }]);
    let result: EditGenerateResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Hearth: Changing ${linesLabel(range)} of ${name}…`, cancellable: true },
        // Cancelling the notification cancels the LSP request, which aborts the model request.
        (_progress, token) =>
          deps.client.sendRequest(
            EditGenerateRequest.type,
            { textDocument: { uri: document.uri.toString() }, range: deps.client.code2ProtocolConverter.asRange(range), kind: 'refactor', instruction },
            token,
          ),
      );
    } catch (err) {
      if (!isCancelledRequest(err)) void showErrorMessage(`Hearth: ${requestErrorMessage(err)}`);
      return undefined;
    } finally {
      editor.setDecorations(working, []);
      editor.setDecorations(note, []);
    }
    if (document.version !== version) {
      void showWarningMessage(`Hearth: ${name} changed while the change was being written, so it no longer fits. Run inline chat again.`);
      return undefined;
    }
    const start = document.offsetAt(range.start);
    const accepted = await deps.reviewEdit({ uri: document.uri, range, newText: result.newText, title: `Hearth: ${instruction} — ${name} (${result.model})` });
    // After Accept, a refinement works on the new code; after Reject, on the same code again.
    const nextRange = accepted ? new vscode.Range(document.positionAt(start), document.positionAt(start + result.newText.length)) : range;
    return { range: nextRange, instruction, accepted };
  }

  async function run(): Promise<void> {
    let editor = vscode.window.activeTextEditor;
    if (!editor) return void showInformationMessage('Hearth: open a file and put the cursor in the code to change, then press Ctrl+I.');
    if (editor.document.uri.scheme !== 'file' && editor.document.uri.scheme !== 'untitled') {
      return void showInformationMessage('Hearth: inline chat works on files in the editor.');
    }
    let range = await actionTarget(editor);
    if (editor.document.getText(range).trim() === '') {
      return void showInformationMessage('Hearth: inline chat changes existing code. Select the code to change, or put the cursor in it, then press Ctrl+I.');
    }
    // Running it again on the code it just changed offers the previous instruction to refine.
    let prefill = last && last.uri === editor.document.uri.toString() && last.range.intersection(range) ? last.instruction : undefined;
    for (;;) {
      const outcome = await round(editor, range, prefill);
      if (!outcome) return;
      last = { uri: editor.document.uri.toString(), range: outcome.range, instruction: outcome.instruction };
      const followUp = outcome.accepted ? 'Refine…' : 'Try Again…';
      const message = outcome.accepted ? 'Hearth: change applied (Ctrl+Z undoes it).' : 'Hearth: change rejected.';
      const choice = await showInformationMessage(message, followUp);
      if (choice !== followUp) return;
      range = outcome.range;
      // A refinement starts from the instruction the user gave, to extend or correct.
      prefill = outcome.instruction;
      editor = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    }
  }

  context.subscriptions.push(vscode.commands.registerCommand(INLINE_CHAT_COMMAND, run));
}
