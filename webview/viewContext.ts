/** What entry views need from the app, passed down instead of reaching for globals. */
import type { TodoItem } from '../protocol/chat';
import type { ApprovalState, FromWebview } from '../protocol/webviewMessages';
import type { MarkdownRenderer } from './markdownRenderer';
import type { RenderStats } from './textPartView';

export interface ViewContext {
  doc: Document;
  markdown: MarkdownRenderer;
  stats: RenderStats;
  post(message: FromWebview): void;
  /** Runs the session's last message again, optionally on another model. */
  retry(model?: string): void;
  /** Resumes the session's last answer, which stopped at the model's length limit. */
  continueReply(): void;
  /** Makes `model` the chat model (after a modelNotFound error, for example). */
  selectModel(model: string): void;
  /** Restores every file the agent changed in the reply `entryId`. */
  undoTurn(entryId: string): void;
  /** Brings back the full history the compaction of the reply `entryId` replaced. */
  undoCompaction(entryId: string): void;
  /** Saves the user's version of the plan of the reply `entryId`. */
  editTodos(entryId: string, items: TodoItem[]): void;
  /** The approval of one tool call of the shown session, as the extension last sent it. */
  approvalFor(entryId: string, callId: string): ApprovalState | undefined;
}
