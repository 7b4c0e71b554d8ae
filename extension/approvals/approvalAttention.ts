import * as vscode from 'vscode';
import type { ChatViewProvider } from '../chatViewProvider';
import type { PendingApprovals } from './pendingApprovals';

/**
 * Makes a waiting approval noticeable without stealing the keyboard: the chat
 * view is revealed with `preserveFocus` when it is not visible, its icon gets
 * a badge, and a status-bar item says "Hearth: approval needed" for as long as
 * something waits. No notification: it would hide itself before the user
 * answered, and linger after they did.
 */
export class ApprovalAttention implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hearth.approvalNeeded', vscode.StatusBarAlignment.Left, 1000);
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly approvals: PendingApprovals,
    private readonly view: ChatViewProvider,
  ) {
    this.item.name = 'Hearth Approval';
    this.item.command = 'hearth.focusChat';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.subscription = approvals.onDidChange((change) => {
      this.update();
      if (change.type === 'requested' && !view.visible) void view.reveal(true);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  private update(): void {
    const count = this.approvals.pendingCount;
    // A zero badge rather than none: VS Code 1.100 keeps showing the last badge of a webview view when it is set to undefined.
    this.view.setBadge(count > 0 ? { value: count, tooltip: `Hearth: ${count === 1 ? 'an approval' : `${count} approvals`} needed` } : { value: 0, tooltip: '' });
    if (count === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(bell-dot) Hearth: approval needed${count > 1 ? ` (${count})` : ''}`;
    this.item.tooltip = 'A Hearth tool is waiting for your approval in the chat. Click to show it.';
    this.item.show();
  }
}
