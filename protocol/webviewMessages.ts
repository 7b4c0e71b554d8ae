/**
 * The messages between the chat webview and the extension, one typed map per
 * direction. The webview is a browser sandbox that renders events and holds no
 * agent state; everything it asks for goes through `FromWebview`, and the
 * extension validates each message at runtime before acting on it, because a
 * webview's messages cross a trust boundary.
 */
import { MAX_TODO_ITEMS, MAX_TODO_TEXT, TODO_STATUSES, type AgentEvent, type ContextItem, type HearthError, type TodoItem, type UserInput } from './chat';
import type { SessionSummary, SessionView } from './sessions';
import type { BackendStatus, CommandApprovalParams, McpServerSource, ModelInfo } from './lspMethods';
import { MAX_SLASH_NAME_LENGTH, type SlashCommandCall, type SlashCommandInfo } from './slashCommands';

export interface ModelPickerState {
  models: ModelInfo[];
  selected: string;
  host: string;
  error?: HearthError;
}

/** What the user can answer to an approval; which ones apply depends on its kind. */
export type ApprovalDecision = 'accept' | 'reject' | 'alwaysAllow' | 'acceptAllForTurn';

/** How an approval ended: the user's answer, the turn was stopped, or the request is gone (the server restarted). */
export type ApprovalOutcome = 'accepted' | 'acceptedAll' | 'alwaysAllowed' | 'rejected' | 'cancelled' | 'expired';

interface ApprovalBase {
  /** Made by the extension; the only handle the webview has on the request. */
  id: string;
  sessionId: string;
  /** The assistant entry and the tool call the request belongs to: the card is shown in that tool call's row. */
  entryId: string;
  callId: string;
}

/** A pending tool approval as the chat shows it. Everything here is for display; the extension keeps the request itself. */
export type ApprovalRequest =
  | (ApprovalBase & {
      kind: 'command';
      command: string;
      cwd: string;
      reasons: string[];
      sandbox: CommandApprovalParams['sandbox'];
      /** The allow-list entry "Always allow" adds; absent when no rule exactly covers the command. */
      suggestedRule?: string;
    })
  | (ApprovalBase & {
      kind: 'edit';
      toolName: string;
      path: string;
      /** The file does not exist yet. */
      created: boolean;
      added: number;
      removed: number;
      /** Why the file makes other tools run code, when it does. */
      executionSensitive?: string;
    })
  | (ApprovalBase & { kind: 'read'; toolName: string; path: string; reason: string })
  | (ApprovalBase & {
      kind: 'mcpTool';
      server: string;
      source: McpServerSource;
      /** The tool's own name on its server. */
      tool: string;
      /** The call's arguments as indented JSON, in full. */
      argumentsJson: string;
      description: string;
      /** The tool's definition changed since the user approved it (the difference opens beside the editor). */
      definitionChanged: boolean;
    });

export interface ApprovalState {
  request: ApprovalRequest;
  /** Absent while the request waits for the user. */
  outcome?: ApprovalOutcome;
}

/** Extension → webview. */
export interface ToWebviewMap {
  /** Every approval the extension knows of (sent when the view loads); replaces what the view showed. */
  approvals: { approvals: ApprovalState[] };
  /** A tool is waiting for the user's approval. */
  approvalRequested: { approval: ApprovalRequest };
  /** An approval was answered (here or in the diff editor), cancelled or expired. */
  approvalSettled: { id: string; outcome: ApprovalOutcome };
  /**
   * The session to show (new chat: an empty session view with no id yet).
   * `answersSend`: it is the answer to the view's pending send (`/new`), which is therefore done.
   */
  session: { session: SessionView | null; answersSend?: boolean };
  /** One live event for the shown session. */
  event: { sessionId: string; entryId: string; event: AgentEvent };
  /** A turn began: the webview adds the user entry and an empty assistant entry. */
  turnStarted: {
    sessionId: string;
    userEntryId: string;
    assistantEntryId: string;
    retry: boolean;
    /**
     * The user's side of the turn when it did not come from this webview's composer
     * (for example an "Explain" editor command), so the webview can show it. Omitted
     * for turns the webview sent itself: it already knows the text.
     */
    input?: UserInput;
  };
  /** A request failed before a turn could start (for example the server is down); the text is kept. */
  sendFailed: { error: HearthError };
  sessions: { sessions: SessionSummary[] };
  models: ModelPickerState;
  status: { status: BackendStatus };
  /** Adds a context chip (selection or active file). */
  addContext: { item: ContextItem };
  /** Answer to `findFiles`, for `@` completion. */
  files: { requestId: number; paths: string[] };
  /** Answer to `findCommands`, for `/` completion. */
  commands: { requestId: number; commands: SlashCommandInfo[] };
  /** Shows the history list, or focuses the input. */
  show: { what: 'history' | 'input' };
  /** The files of one reply were restored (Undo). */
  turnUndone: { sessionId: string; entryId: string; restored: string[]; removed: string[] };
}

/**
 * A message with no payload besides its `type`. (`Record<string, never>` would
 * make `{ type: 'ready' }` itself unassignable once intersected with `{ type }`.)
 */
type NoPayload = Record<never, never>;

/** Webview → extension. */
export interface FromWebviewMap {
  ready: NoPayload;
  /** `command`: the text starts with a slash command, sent as its name and the text after it; the language server expands it. */
  send: { text: string; context: ContextItem[]; model?: string; sessionId?: string; command?: SlashCommandCall };
  /** `model` overrides the session's model for this retry (the user picked an installed model after modelNotFound). */
  retry: { sessionId: string; model?: string };
  /** Resumes the last answer, which stopped at the model's length limit. */
  continue: { sessionId: string };
  stop: { sessionId: string };
  newChat: NoPayload;
  openSession: { sessionId: string };
  deleteSession: { sessionId: string };
  renameSession: { sessionId: string; title: string };
  listSessions: NoPayload;
  selectModel: { model: string };
  refreshModels: NoPayload;
  findFiles: { requestId: number; query: string };
  findCommands: { requestId: number; query: string };
  attach: { what: 'selection' | 'activeFile' };
  copy: { text: string };
  insert: { text: string };
  openSettings: { setting: string };
  /** A link in an answer was clicked. The webview never navigates; the extension opens http(s) and mailto links externally. */
  openLink: { url: string };
  /** Restores every file the agent changed in this reply. */
  undoTurn: { sessionId: string; entryId: string };
  /** Brings back the full history a reply's compaction replaced. */
  undoCompaction: { sessionId: string; entryId: string };
  /** The user's version of a reply's plan (ticked or edited steps). */
  editTodos: { sessionId: string; entryId: string; items: TodoItem[] };
  exportSession: { sessionId: string };
  /**
   * The user's answer to a pending approval. `rule` accompanies `alwaysAllow` of
   * a command; the extension checks it is the rule it offered for that request before adding it.
   */
  approvalDecision: { id: string; decision: ApprovalDecision; rule?: string };
  /** Shows an edit approval's proposed change (or an MCP tool's changed definition) in the diff editor again. */
  openApprovalDiff: { id: string };
}

export type ToWebview = { [K in keyof ToWebviewMap]: { type: K } & ToWebviewMap[K] }[keyof ToWebviewMap];
export type FromWebview = { [K in keyof FromWebviewMap]: { type: K } & FromWebviewMap[K] }[keyof FromWebviewMap];

const MAX_TEXT = 1_000_000;

function isString(v: unknown, max = MAX_TEXT): v is string {
  return typeof v === 'string' && v.length <= max;
}

function isOptionalString(v: unknown): boolean {
  return v === undefined || isString(v, 10_000);
}

function isTodoItem(v: unknown): v is TodoItem {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  return isString(t.text, MAX_TODO_TEXT) && (TODO_STATUSES as readonly unknown[]).includes(t.status);
}

function isContextItem(v: unknown): v is ContextItem {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  if (c.kind !== 'selection' && c.kind !== 'file' && c.kind !== 'mention') return false;
  if (!isString(c.path, 4096)) return false;
  if (c.text !== undefined && !isString(c.text)) return false;
  if (c.languageId !== undefined && !isString(c.languageId, 100)) return false;
  if (c.range !== undefined) {
    const r = c.range as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || !Number.isInteger(r.startLine) || !Number.isInteger(r.endLine)) return false;
  }
  return true;
}

/**
 * Validates a message from the webview. Returns the typed message, or an
 * explanation of why it was refused (logged by the extension, never acted on).
 */
export function parseFromWebview(raw: unknown): { ok: true; message: FromWebview } | { ok: false; reason: string } {
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'message is not an object' };
  const m = raw as Record<string, unknown>;
  const bad = (what: string) => ({ ok: false as const, reason: `${String(m.type)}: ${what}` });
  switch (m.type) {
    case 'ready':
    case 'newChat':
    case 'listSessions':
    case 'refreshModels':
      break;
    case 'send':
      if (!isString(m.text)) return bad('text must be a string');
      if (!Array.isArray(m.context) || m.context.length > 100 || !m.context.every(isContextItem)) return bad('context must be a list of context items');
      if (!isOptionalString(m.model) || !isOptionalString(m.sessionId)) return bad('model and sessionId must be strings');
      if (m.command !== undefined) {
        const c = m.command as Record<string, unknown>;
        if (typeof c !== 'object' || c === null || !isString(c.name, MAX_SLASH_NAME_LENGTH) || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(c.name) || !isString(c.args)) return bad('command must have a name and argument text');
      }
      break;
    case 'retry':
      if (!isString(m.sessionId, 200)) return bad('sessionId must be a string');
      if (!isOptionalString(m.model)) return bad('model must be a string');
      break;
    case 'stop':
    case 'continue':
    case 'openSession':
    case 'deleteSession':
      if (!isString(m.sessionId, 200)) return bad('sessionId must be a string');
      break;
    case 'renameSession':
      if (!isString(m.sessionId, 200) || !isString(m.title, 1000)) return bad('sessionId and title must be strings');
      break;
    case 'selectModel':
      if (!isString(m.model, 500)) return bad('model must be a string');
      break;
    case 'findFiles':
    case 'findCommands':
      if (!Number.isInteger(m.requestId) || !isString(m.query, 1000)) return bad('requestId and query are required');
      break;
    case 'attach':
      if (m.what !== 'selection' && m.what !== 'activeFile') return bad('what must be selection or activeFile');
      break;
    case 'copy':
    case 'insert':
      if (!isString(m.text)) return bad('text must be a string');
      break;
    case 'openLink':
      if (!isString(m.url, 8192) || !/^(?:https?:|mailto:)/i.test(m.url)) return bad('url must be an http(s) or mailto link');
      break;
    case 'undoTurn':
    case 'undoCompaction':
      if (!isString(m.sessionId, 200) || !isString(m.entryId, 200)) return bad('sessionId and entryId are required');
      break;
    case 'exportSession':
      if (!isString(m.sessionId, 200)) return bad('sessionId must be a string');
      break;
    case 'editTodos':
      if (!isString(m.sessionId, 200) || !isString(m.entryId, 200)) return bad('sessionId and entryId are required');
      if (!Array.isArray(m.items) || m.items.length > MAX_TODO_ITEMS || !m.items.every(isTodoItem)) return bad(`items must be at most ${MAX_TODO_ITEMS} steps`);
      break;
    case 'approvalDecision':
      if (!isString(m.id, 200)) return bad('id must be a string');
      if (m.decision !== 'accept' && m.decision !== 'reject' && m.decision !== 'alwaysAllow' && m.decision !== 'acceptAllForTurn') return bad('decision must be accept, reject, alwaysAllow or acceptAllForTurn');
      if (m.rule !== undefined && !isString(m.rule, 10_000)) return bad('rule must be a string');
      if (m.rule !== undefined && m.decision !== 'alwaysAllow') return bad('rule goes only with alwaysAllow');
      break;
    case 'openApprovalDiff':
      if (!isString(m.id, 200)) return bad('id must be a string');
      break;
    case 'openSettings':
      if (!isString(m.setting, 200) || !/^hearth\.[\w.]+$/.test(m.setting)) return bad('setting must be a hearth.* setting');
      break;
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(m.type)}` };
  }
  return { ok: true, message: raw as FromWebview };
}
