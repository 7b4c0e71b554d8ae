import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import type { HearthError } from '../../protocol/chat';
import { ApplyCodeBlockRequest, type ApplyCodeBlockResult } from '../../protocol/lspMethods';
import { confinedRelativePath, isConfigurationPath, namedTarget, onlyTailMatch } from './codeBlockTarget';
import type { ReviewEditRequest } from './registerEditorActions';
import { requestErrorMessage } from '../requestErrors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../notifications';

export interface ApplyCodeBlockDeps {
  client: Pick<BaseLanguageClient, 'sendRequest'>;
  /** Shows a change as a diff (the same review path as the agent's edits and the editor actions). */
  reviewEdit(edit: ReviewEditRequest): Promise<boolean>;
}

/** Files the picker leaves out: generated and dependency folders nobody applies chat code to. */
const PICK_EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/build/**,**/.venv/**,**/target/**}';
/** What a block's bare file name is never matched in: the folders above and configuration (see isConfigurationPath). */
const TAIL_EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/build/**,**/.venv/**,**/target/**,**/.vscode/**,**/.hearth/**,**/*.code-workspace}';

/** The open workspace file at a workspace-relative path, trying each folder; undefined if none has it. */
async function existingInWorkspace(relative: string): Promise<vscode.Uri | undefined> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = vscode.Uri.joinPath(folder.uri, relative);
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) return uri;
    } catch {
      // Not in this folder.
    }
  }
  // Models often name a file by its tail (`math.ts` for `src/math.ts`): take it when exactly one file matches.
  // Configuration is left out of the search itself, so a configuration file cannot hide a second match either.
  const matches = await vscode.workspace.findFiles(`**/${relative}`, TAIL_EXCLUDE, 2);
  return onlyTailMatch(matches, (uri) => vscode.workspace.asRelativePath(uri, false));
}

async function pickFile(reason: string): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*', PICK_EXCLUDE, 5000);
  const items = files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { title: 'Apply the code to which file?', placeHolder: reason, matchOnDescription: true });
  return picked?.uri;
}

/**
 * The file a block is applied to: the file it names (confined to the
 * workspace), else the file in the active editor (the one the user is
 * working on, usually the one they asked about), else one the user picks.
 */
export async function applyTarget(info: string, code: string): Promise<{ uri: vscode.Uri; code: string } | undefined> {
  const named = namedTarget(info, code);
  if (named.path) {
    const relative = confinedRelativePath(named.path);
    const configuration = relative !== undefined && isConfigurationPath(relative);
    const uri = relative && !configuration ? await existingInWorkspace(relative) : undefined;
    if (uri) return { uri, code: named.code };
    const why = !relative ? 'that is outside the workspace' : configuration ? 'that is a configuration file, which Apply does not open on a block’s say-so' : 'no such file is in the workspace';
    const picked = await pickFile(`The block names ${named.path}, but ${why}. Pick the file to apply it to.`);
    return picked && { uri: picked, code: named.code };
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && !active.isUntitled && active.uri.scheme === 'file') return { uri: active.uri, code: named.code };
  const picked = await pickFile('Pick the file to merge the code block into');
  return picked && { uri: picked, code: named.code };
}

/**
 * "Apply" on a chat code block: finds the file, asks the language server to
 * merge the block into it (a whole declaration is swapped in directly, the
 * rest is merged by the chat model), and shows the whole new file as a diff
 * to accept or reject. Nothing is written without the user's Accept.
 */
export async function applyCodeBlock(deps: ApplyCodeBlockDeps, info: string, rawCode: string, model?: string): Promise<boolean> {
  const target = await applyTarget(info, rawCode);
  if (!target) return false;
  const document = await vscode.workspace.openTextDocument(target.uri);
  const name = vscode.workspace.asRelativePath(document.uri);
  let result: ApplyCodeBlockResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Hearth: Merging the code into ${name}…`, cancellable: true },
      // Cancelling the notification cancels the LSP request, which aborts the model request.
      (_progress, token) => deps.client.sendRequest(ApplyCodeBlockRequest.type, { textDocument: { uri: document.uri.toString() }, code: target.code, model: model || undefined }, token),
    );
  } catch (err) {
    const cancelled = (err as { data?: Partial<HearthError> })?.data?.code === 'cancelled' || err instanceof vscode.CancellationError;
    if (!cancelled) void showErrorMessage(`Hearth could not apply the code to ${name}: ${requestErrorMessage(err)}`);
    return false;
  }
  if (document.version !== result.version) {
    void showWarningMessage(`Hearth: ${name} changed while the code was being merged. Apply it again.`);
    return false;
  }
  if (result.newText === document.getText()) {
    void showInformationMessage(`Hearth: ${name} already contains this code; nothing to apply.`);
    return false;
  }
  const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
  const by = result.via === 'model' ? `merged by ${result.model}` : 'replaces the declaration of the same name';
  return deps.reviewEdit({ uri: document.uri, range: whole, newText: result.newText, title: `Hearth: Apply to ${name} (${by})` });
}
