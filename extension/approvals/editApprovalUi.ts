import * as vscode from 'vscode';
import type { EditApprovalParams } from '../../protocol/lspMethods';
import type { ProposalDocuments } from './proposalDocuments';
import { isDiffOf, reviewColumn, showReviewDiff } from '../reviewColumn';
import { diffTitle } from './diffTitle';
import { showInformationMessage } from '../notifications';

export type EditDecision = 'accept' | 'reject' | 'acceptAllForTurn';

/**
 * The diff editor's own Accept / Reject / Accept All actions (`editor/title`
 * in package.json, shown only on Hearth's proposal documents). They live in
 * the diff editor itself rather than in a notification, so they cannot slide
 * away into the notification centre and they disappear with the diff.
 */
export const DIFF_COMMANDS = { accept: 'hearth.diff.accept', reject: 'hearth.diff.reject', acceptAllForTurn: 'hearth.diff.acceptAll' } as const;

/** The side name of proposals that offer "Accept All in This Reply" (package.json's `when` clause matches it). */
const SIDE_WITH_ACCEPT_ALL = 'proposed';
const SIDE_WITHOUT_ACCEPT_ALL = 'proposal';

export interface EditDiff {
  /** Opens (again) the diff beside the user's editor (without taking focus unless asked to). */
  show(): Promise<void>;
  /** Closes the diff and forgets its documents; its title actions stop doing anything. */
  close(): Promise<void>;
  /** Fires when the user closes the diff tab without answering. */
  readonly closedByUser: Promise<void>;
}

/**
 * Opens proposed file changes in VS Code's diff editor and routes its title
 * actions to whoever opened the diff. Nothing here writes a file.
 */
export class EditDiffs implements vscode.Disposable {
  /** Proposed document URI → what its Accept / Reject actions do. */
  private readonly handlers = new Map<string, (decision: EditDecision) => void>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly documents: ProposalDocuments) {
    this.disposables = (Object.keys(DIFF_COMMANDS) as EditDecision[]).map((decision) =>
      vscode.commands.registerCommand(DIFF_COMMANDS[decision], (uri?: unknown) => this.answer(uri, decision)),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.handlers.clear();
  }

  async open(
    params: Pick<EditApprovalParams, 'relativePath' | 'oldContent' | 'newContent'>,
    onDecision: (decision: EditDecision) => void,
    options: { allowAcceptAll: boolean; title?: string; takeFocus?: boolean },
  ): Promise<EditDiff> {
    const original = this.documents.create('original', params.relativePath, params.oldContent ?? '');
    const proposed = this.documents.create(options.allowAcceptAll ? SIDE_WITH_ACCEPT_ALL : SIDE_WITHOUT_ACCEPT_ALL, params.relativePath, params.newContent);
    const verb = params.oldContent === null ? 'create' : 'change';
    const title = options.title ?? diffTitle(params.relativePath, `proposed ${verb}`, 'Hearth: ');
    this.handlers.set(proposed.toString(), onDecision);
    let closed = false;
    let closedByUser: () => void = () => undefined;
    const closedPromise = new Promise<void>((resolve) => (closedByUser = resolve));
    const tabWatch = vscode.window.tabGroups.onDidChangeTabs((e) => {
      if (!closed && e.closed.some((t) => isDiffOf(t, proposed))) closedByUser();
    });
    const column = reviewColumn();
    const show = async () => {
      if (closed) return;
      await showReviewDiff(original, proposed, title, column, !options.takeFocus);
    };
    await show();
    return {
      show,
      closedByUser: closedPromise,
      close: async () => {
        if (closed) return;
        closed = true;
        tabWatch.dispose();
        this.handlers.delete(proposed.toString());
        await closeDiff(proposed);
        this.documents.release(original, proposed);
      },
    };
  }

  /** A title action was clicked: VS Code passes the diff's modified (proposed) document, else we use the active tab. */
  private answer(uri: unknown, decision: EditDecision): void {
    const key = uri instanceof vscode.Uri ? uri.toString() : activeDiffModified()?.toString();
    const handler = key ? this.handlers.get(key) : undefined;
    if (handler) handler(decision);
    else void showInformationMessage('Hearth: this change is no longer waiting for a decision.');
  }
}

function activeDiffModified(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff ? input.modified : undefined;
}

async function closeDiff(proposed: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => isDiffOf(t, proposed));
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
}
