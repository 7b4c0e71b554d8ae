/** What entry views need from the app, passed down instead of reaching for globals. */
import type { TodoItem } from '../protocol/chat';
import type { RestoreScope, UserEntry } from '../protocol/sessions';
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
  /** Switches to Agent mode and puts the plan into the composer, for the user to edit and send. */
  runPlan(plan: string): void;
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
  /** Opens the file change one tool call of the reply `entryId` made in VS Code's diff editor. */
  openToolChange(entryId: string, callId: string): void;
  /** Downloads `model` into Ollama, then retries the shown chat's last answer with it. */
  downloadModel(model: string): void;
  /** Opens, at its lines, a reference `@codebase` attached to the user message `entryId`. */
  openReference(entryId: string, context: number, reference: number): void;
  /** Restores the files and/or the conversation of the shown chat to a checkpoint (after the user confirmed). */
  restoreCheckpoint(checkpointId: string, scope: RestoreScope): void;
  /** Undoes the shown chat's latest restore. */
  redoRestore(): void;
  /** Takes the user message `entry` back into the composer to edit and resend (the chat returns to before it). */
  editMessage(entry: UserEntry): void;
  /** The approval of one tool call of the shown session, as the extension last sent it. */
  approvalFor(entryId: string, callId: string): ApprovalState | undefined;
}
