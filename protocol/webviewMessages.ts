/**
 * The messages between the chat webview and the extension, one typed map per
 * direction. The webview is a browser sandbox that renders events and holds no
 * agent state; everything it asks for goes through `FromWebview`, and the
 * extension validates each message at runtime before acting on it, because a
 * webview's messages cross a trust boundary.
 */
import { MAX_IMAGES_PER_MESSAGE, imagesProblem, isImageRef, type ChatImage, type ImageRef, type StoredChatImage } from './chatImages';
import { MAX_TODO_ITEMS, MAX_TODO_TEXT, TODO_STATUSES, type AgentEvent, type ContextItem, type HearthError, type TodoItem, type UserInput, isChatMode, type ChatMode, type ContextReference } from './chat';
import type { AgentSummary } from './agents';
import type { RestoreScope, SessionSummary, SessionView } from './sessions';
import type { ElicitationField } from './elicitationForm';
import type { BackendStatus, CommandApprovalParams, McpSamplingMessage, McpServerSource, ModelInfo } from './lspMethods';
import { MODEL_NAME } from './modelName';
import { MAX_SLASH_NAME_LENGTH, type SlashCommandCall, type SlashCommandInfo } from './slashCommands';

export interface ModelPickerState {
  models: ModelInfo[];
  selected: string;
  host: string;
  error?: HearthError;
  /** Providers of `hearth.providers` that could not list their models, each naming itself and its URL; the other models stay listed. */
  providerErrors?: HearthError[];
}

/** A rules file that applies to the next message, as the composer's chip shows it. */
export interface RulesChip {
  /** Workspace-relative path. */
  path: string;
  /** Only its start reaches the model (it is longer than the cap). */
  truncated: boolean;
  /** False when the user switched it off for this chat. */
  enabled: boolean;
}

/** What the user can answer to an approval; which ones apply depends on its kind. */
export type ApprovalDecision = 'accept' | 'reject' | 'alwaysAllow' | 'acceptAllForTurn' | 'cancel';

/** How an approval ended: the user's answer, the turn was stopped, or the request is gone (the server restarted). */
export type ApprovalOutcome = 'accepted' | 'acceptedAll' | 'alwaysAllowed' | 'rejected' | 'cancelled' | 'expired';

interface ApprovalBase {
  /** Made by the extension; the only handle the webview has on the request. */
  id: string;
  sessionId: string;
  /**
   * The assistant entry and the tool call the request belongs to: the card is
   * shown in that tool call's row. Empty for an MCP server's request that came
   * while none of its calls ran: the card is shown above the input.
   */
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
  | (ApprovalBase & { kind: 'webPage'; url: string; host: string; via?: string; local: boolean; resolvesTo?: string })
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
    })
  | (ApprovalBase & {
      /** An MCP server asks the user's model for a completion (sampling). Everything is shown as plain text. */
      kind: 'mcpSampling';
      server: string;
      source: McpServerSource;
      messages: McpSamplingMessage[];
      systemPrompt?: string;
      maxTokens: number;
      temperature?: number;
      /** The user's chat model, which answers if the user allows it. */
      model: string;
      /** Models the server would prefer: shown, never used. */
      modelHints: string[];
    })
  | (ApprovalBase & {
      /** An MCP server asks the user to fill in a form (elicitation): Accept sends the values, Decline and Cancel send none. */
      kind: 'mcpElicitation';
      server: string;
      source: McpServerSource;
      message: string;
      fields: ElicitationField[];
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
   * `restored`: the session the view showed before it (re)loaded, sent again when it is ready; it
   * fills the chat behind the history instead of closing a history the user has already opened.
   */
  session: { session: SessionView | null; answersSend?: boolean; restored?: boolean };
  /** One live event for the shown session. */
  event: { sessionId: string; entryId: string; event: AgentEvent };
  /** A turn began: the webview adds the user entry and an empty assistant entry. */
  turnStarted: {
    sessionId: string;
    userEntryId: string;
    assistantEntryId: string;
    retry: boolean;
    /** Continue: the cut reply `assistantEntryId` streams again and grows in place. */
    continued?: boolean;
    /** The mode the reply is made in (a finished Plan reply offers "Run in Agent mode"). */
    mode?: ChatMode;
    /**
     * The user's side of the turn when it did not come from this webview's composer
     * (for example an "Explain" editor command), so the webview can show it. Omitted
     * for turns the webview sent itself: it already knows the text.
     */
    input?: UserInput;
    /** What the message's `@codebase` mentions attached (ChatTurnStarted.references). */
    references?: { context: number; references: ContextReference[] }[];
  };
  /** A request failed before a turn could start (for example the server is down); the text is kept. */
  sendFailed: { error: HearthError };
  /** `hiddenNewer`: chats a newer Hearth saved, which History says are hidden until the user updates. */
  sessions: { sessions: SessionSummary[]; hiddenNewer?: number };
  models: ModelPickerState;
  status: { status: BackendStatus };
  /** Adds a context chip (selection or active file). */
  addContext: { item: ContextItem };
  /** Answer to `findFiles`, for `@` completion; `agents` lead the list when the `@` starts the message. */
  files: { requestId: number; paths: string[]; agents?: AgentSummary[] };
  /** Answer to `findCommands`, for `/` completion. */
  commands: { requestId: number; commands: SlashCommandInfo[] };
  /** Answer to `expandTemplate`: the resource mention with the user's values, or null when the user cancelled. */
  templateExpanded: { requestId: number; mention: string | null };
  /** Answer to `completeArgument`: the server's suggestions (none when it offers none, failed or was cancelled). */
  argumentSuggestions: { requestId: number; values: string[]; hasMore: boolean };
  /** Shows the history list, or focuses the input. */
  show: { what: 'history' | 'input' };
  /**
   * A restore to a checkpoint finished (the extension sent the chat again);
   * `draft`: the message it took back; `edited`: that message's id when the
   * user took it back to edit it (the view restores its context and images too).
   */
  checkpointRestored: { sessionId: string; draft?: string; edited?: string };
  /** The files of one reply were restored (Undo). */
  turnUndone: { sessionId: string; entryId: string; restored: string[]; removed: string[] };
  /** The shown chat's mode and the rules files that apply to its next message. */
  chatConfig: { mode: ChatMode; rules: RulesChip[] };
  /** Answer to `pickImages`: the images read from the picked files, and why any others were refused. */
  imagesPicked: { images: ChatImage[]; problems: string[] };
  /** Answer to `saveDraftImages`: the references of the added images, in order (none, with `error`, when they could not be stored). */
  draftImagesSaved: { requestId: number; refs: ImageRef[]; error?: string };
  /** Answer to `loadDraftImages`: the draft's images, and the names of those no longer stored. */
  draftImagesLoaded: { requestId: number; images: StoredChatImage[]; missing: string[] };
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
  send: { text: string; context: ContextItem[]; model?: string; sessionId?: string; command?: SlashCommandCall; images?: ChatImage[] };
  /** The composer's attach-image button: the extension shows a file picker for PNG, JPEG, GIF and WebP files. */
  pickImages: NoPayload;
  /** Stores the unsent draft's images (`add`, new; `keep`, already stored) so a reload brings them back; the view keeps only references. */
  saveDraftImages: { requestId: number; draftId: string; keep: ImageRef[]; add: ChatImage[] };
  /** Reads the draft's images back after a reload. */
  loadDraftImages: { requestId: number; refs: ImageRef[] };
  /** `model` overrides the session's model for this retry (the user picked an installed model after modelNotFound). */
  retry: { sessionId: string; model?: string };
  /** Downloads a model the last answer was missing into the local Ollama, then retries that answer. */
  downloadModel: { sessionId: string; model: string };
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
  /** The user picked an MCP resource template in the `@` list: the extension asks for its variables. */
  expandTemplate: { requestId: number; mention: string };
  /**
   * The user is typing an argument of an MCP prompt (`/mcp.<server>.<prompt>`):
   * the extension asks its server for suggestions (`hearth/mcp/complete`),
   * cancelling the previous question, and answers with `argumentSuggestions`.
   * `context`: the other arguments' values already typed; `team`: the team
   * server's prompt (`/team.<server>.<prompt>`), asked through the team server.
   */
  completeArgument: { requestId: number; server: string; team?: boolean; prompt: string; argument: string; value: string; context?: Record<string, string> };
  attach: { what: 'selection' | 'activeFile' };
  copy: { text: string };
  insert: { text: string };
  /**
   * Merges a code block into a file and shows the result as a diff. `info` is
   * the fence's info string (it may name the file); `model` is the chat's model.
   * Both come from model output or the webview, so the extension confines any path to the workspace.
   */
  apply: { text: string; info: string; model?: string };
  openSettings: { setting: string };
  /** A link in an answer was clicked. The webview never navigates; the extension opens http(s) and mailto links externally. */
  openLink: { url: string };
  /** Restores every file the agent changed in this reply. */
  undoTurn: { sessionId: string; entryId: string };
  /** Restores the files and/or the conversation to a checkpoint of the chat (the user confirmed in the view). */
  restoreCheckpoint: { sessionId: string; checkpointId: string; scope: RestoreScope };
  /** Undoes the chat's latest restore. */
  redoRestore: { sessionId: string };
  /** Takes an earlier message back to edit it (the chat returns to before it; Redo brings it back). */
  editMessage: { sessionId: string; entryId: string };
  /** Brings back the full history a reply's compaction replaced. */
  undoCompaction: { sessionId: string; entryId: string };
  /** The user's version of a reply's plan (ticked or edited steps). */
  editTodos: { sessionId: string; entryId: string; items: TodoItem[] };
  exportSession: { sessionId: string };
  /**
   * The user's answer to a pending approval. `rule` accompanies `alwaysAllow` of
   * a command; the extension checks it is the rule it offered for that request before adding it.
   */
  approvalDecision: { id: string; decision: ApprovalDecision; rule?: string; values?: Record<string, unknown> };
  /** Opens the change one tool call made (its "+N −M path") in the diff editor. */
  openToolChange: { sessionId: string; entryId: string; callId: string };
  /** Opens a reference `@codebase` attached to the user message `entryId` (ChatReferenceRequest). */
  openReference: { sessionId: string; entryId: string; context: number; reference: number };
  /** Shows an edit approval's proposed change (or an MCP tool's changed definition) in the diff editor again. */
  openApprovalDiff: { id: string };
  /** The header's mode switch (or "Run in Agent mode" on a plan). */
  setMode: { mode: ChatMode };
  /** The composer's attachments changed: the nearest AGENTS.md of each may apply. */
  contextPaths: { paths: string[] };
  /** Switches a rules file on or off for the shown chat. */
  toggleRule: { path: string; enabled: boolean };
  /** Opens a rules file in the editor (only one the extension listed). */
  openRule: { path: string };
}

export type ToWebview = { [K in keyof ToWebviewMap]: { type: K } & ToWebviewMap[K] }[keyof ToWebviewMap];
export type FromWebview = { [K in keyof FromWebviewMap]: { type: K } & FromWebviewMap[K] }[keyof FromWebviewMap];

const MAX_TEXT = 1_000_000;

/** The longest fence info string an `apply` carries; the webview cuts a longer one to this, so its Apply still works. */
export const MAX_FENCE_INFO = 1000;

/** A position in a short list (a message's context, an item's references). */
function isIndex(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1000;
}

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

/** A form's answers: a flat object of strings, numbers, booleans and lists of strings (protocol/elicitationForm.ts checks them against the form). */
function isFormValues(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  if (entries.length > 50) return false;
  return entries.every(
    ([k, x]) =>
      k.length <= 200 &&
      (isString(x, 10_000) || (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean' || (Array.isArray(x) && x.length <= 200 && x.every((i) => isString(i, 10_000)))),
  );
}

/** A prompt's other arguments, as `hearth/mcp/complete` takes them: a flat object of short strings. */
function isArgumentValues(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  return entries.length <= 50 && entries.every(([k, x]) => k.length > 0 && k.length <= 200 && isString(x, 1000));
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
    case 'pickImages':
      break;
    case 'send':
      if (!isString(m.text)) return bad('text must be a string');
      if (!Array.isArray(m.context) || m.context.length > 100 || !m.context.every(isContextItem)) return bad('context must be a list of context items');
      if (!isOptionalString(m.model) || !isOptionalString(m.sessionId)) return bad('model and sessionId must be strings');
      if (m.command !== undefined) {
        const c = m.command as Record<string, unknown>;
        if (typeof c !== 'object' || c === null || !isString(c.name, MAX_SLASH_NAME_LENGTH) || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(c.name) || !isString(c.args)) return bad('command must have a name and argument text');
      }
      {
        // Images are checked by their bytes here, at the boundary, and again by the language server.
        const problem = imagesProblem(m.images);
        if (problem) return bad(problem);
      }
      break;
    case 'saveDraftImages': {
      if (typeof m.requestId !== 'number' || !isString(m.draftId, 36) || !/^[0-9a-f-]{36}$/.test(m.draftId)) return bad('requestId and draftId are required');
      if (!Array.isArray(m.keep) || !m.keep.every(isImageRef) || !Array.isArray(m.add)) return bad('keep must be image references and add images');
      const problem = imagesProblem(m.add);
      if (problem) return bad(problem);
      if (m.keep.length + m.add.length > MAX_IMAGES_PER_MESSAGE) return bad(`a draft holds at most ${MAX_IMAGES_PER_MESSAGE} images`);
      break;
    }
    case 'loadDraftImages':
      if (typeof m.requestId !== 'number' || !Array.isArray(m.refs) || m.refs.length > MAX_IMAGES_PER_MESSAGE || !m.refs.every(isImageRef)) return bad('refs must be image references');
      break;
    case 'downloadModel':
      if (!isString(m.sessionId, 200)) return bad('sessionId must be a string');
      if (!isString(m.model, 200) || !MODEL_NAME.test(m.model)) return bad('model must be a model name');
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
    case 'completeArgument':
      if (!Number.isInteger(m.requestId) || !isString(m.server, 200) || !isString(m.prompt, 200) || !isString(m.argument, 200) || !isString(m.value, 1000)) {
        return bad('requestId, server, prompt, argument and value are required');
      }
      if (m.context !== undefined && !isArgumentValues(m.context)) return bad('context must be at most 50 argument values');
      if (m.team !== undefined && typeof m.team !== 'boolean') return bad('team must be true or false');
      break;
    case 'expandTemplate':
      if (!Number.isInteger(m.requestId) || !isString(m.mention, 4096) || !/^mcp(?:-team)?:/.test(m.mention)) return bad('requestId and an MCP resource template mention are required');
      break;
    case 'attach':
      if (m.what !== 'selection' && m.what !== 'activeFile') return bad('what must be selection or activeFile');
      break;
    case 'copy':
    case 'insert':
      if (!isString(m.text)) return bad('text must be a string');
      break;
    case 'apply':
      if (!isString(m.text) || !isString(m.info, MAX_FENCE_INFO)) return bad('text and info must be strings');
      if (!isOptionalString(m.model)) return bad('model must be a string');
      break;
    case 'openLink':
      if (!isString(m.url, 8192) || !/^(?:https?:|mailto:)/i.test(m.url)) return bad('url must be an http(s) or mailto link');
      break;
    case 'undoTurn':
    case 'undoCompaction':
    case 'editMessage':
      if (!isString(m.sessionId, 200) || !isString(m.entryId, 200)) return bad('sessionId and entryId are required');
      break;
    case 'restoreCheckpoint':
      if (!isString(m.sessionId, 200) || !isString(m.checkpointId, 200)) return bad('sessionId and checkpointId are required');
      if (m.scope !== 'both' && m.scope !== 'files' && m.scope !== 'conversation') return bad('scope must be both, files or conversation');
      break;
    case 'redoRestore':
    case 'exportSession':
      if (!isString(m.sessionId, 200)) return bad('sessionId must be a string');
      break;
    case 'editTodos':
      if (!isString(m.sessionId, 200) || !isString(m.entryId, 200)) return bad('sessionId and entryId are required');
      if (!Array.isArray(m.items) || m.items.length > MAX_TODO_ITEMS || !m.items.every(isTodoItem)) return bad(`items must be at most ${MAX_TODO_ITEMS} steps`);
      break;
    case 'approvalDecision':
      if (!isString(m.id, 200)) return bad('id must be a string');
      if (m.decision !== 'accept' && m.decision !== 'reject' && m.decision !== 'alwaysAllow' && m.decision !== 'acceptAllForTurn' && m.decision !== 'cancel') {
        return bad('decision must be accept, reject, alwaysAllow, acceptAllForTurn or cancel');
      }
      if (m.rule !== undefined && !isString(m.rule, 10_000)) return bad('rule must be a string');
      if (m.rule !== undefined && m.decision !== 'alwaysAllow') return bad('rule goes only with alwaysAllow');
      if (m.values !== undefined && (m.decision !== 'accept' || !isFormValues(m.values))) return bad('values go only with accept, as a form\'s text, numbers, yes/no and choices');
      break;
    case 'openToolChange':
      if (!isString(m.sessionId, 200) || !isString(m.entryId, 200) || !isString(m.callId, 200)) return bad('sessionId, entryId and callId are required');
      break;
    case 'openReference':
      if (!isString(m.sessionId, 200) || !isString(m.entryId, 200) || !isIndex(m.context) || !isIndex(m.reference)) return bad('sessionId, entryId and the reference\'s position are required');
      break;
    case 'openApprovalDiff':
      if (!isString(m.id, 200)) return bad('id must be a string');
      break;
    case 'setMode':
      if (!isChatMode(m.mode)) return bad('mode must be ask, plan or agent');
      break;
    case 'contextPaths':
      if (!Array.isArray(m.paths) || m.paths.length > 100 || !m.paths.every((p) => isString(p, 4096))) return bad('paths must be a list of paths');
      break;
    case 'toggleRule':
      if (!isString(m.path, 4096) || typeof m.enabled !== 'boolean') return bad('path and enabled are required');
      break;
    case 'openRule':
      if (!isString(m.path, 4096)) return bad('path must be a string');
      break;
    case 'openSettings':
      if (!isString(m.setting, 200) || !/^hearth\.[\w.]+$/.test(m.setting)) return bad('setting must be a hearth.* setting');
      break;
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(m.type)}` };
  }
  return { ok: true, message: raw as FromWebview };
}
