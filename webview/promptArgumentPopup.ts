/**
 * Suggestions for the argument of an MCP prompt being typed after its slash
 * command (`/mcp.everything.completable-prompt Eng|`, or a team server's
 * `/team.docs.completable-prompt Eng|`): the server's values
 * (MCP `completion/complete`, asked through the extension) in a
 * CompletionPopup under the composer.
 *
 * The suggestions are someone else's text, so they are only offered: the
 * typed text changes only when the user accepts one (Tab, Enter or a click),
 * any keystroke closes the list, and an answer for text that has changed
 * since is dropped. At most MAX_SHOWN values are shown, each as plain text,
 * and a value with control or direction-changing characters is left out.
 */
import { argumentText, promptArgumentAt, type PromptArgumentAtCaret } from '../protocol/promptArguments';
import { MCP_PROMPT_PREFIX, TEAM_PROMPT_PREFIX, type SlashCommandInfo } from '../protocol/slashCommands';
import type { FromWebview } from '../protocol/webviewMessages';
import { CompletionPopup, type CompletionItem } from './completionPopup';
import { findHiddenCharacter } from '../protocol/hiddenCharacters';

/** The most values listed (the language server already keeps at most 100, each at most 500 characters). */
export const MAX_SHOWN = 50;
/** A value longer than this shows its start only; the tooltip and the inserted text are whole. */
const MAX_SHOWN_CHARS = 100;
/** The language server refuses longer values (language-server/mcp/parseMcpCompleteParams.ts). */
const MAX_VALUE_CHARS = 1_000;
/** Commands remembered from the `/` lists, so typing an argument needs no new list. */
const MAX_REMEMBERED = 500;
/** A value with a line break, a tab or a hidden character (see protocol/hiddenCharacters.ts) could look like another. */
const unsafe = (value: string): boolean => /[\n\t]/.test(value) || findHiddenCharacter(value) !== undefined;

const COMMAND = /^\/([A-Za-z0-9][A-Za-z0-9_.-]*)\s/;

export interface PromptArgumentPopupHost {
  textarea: HTMLTextAreaElement;
  post(message: FromWebview): void;
  /** The request ids the composer hands out, so answers to different questions never share one. */
  nextRequestId(): number;
  /** An accepted value changed the text: save the draft, resize. */
  textChanged(): void;
  /** The list opened or closed: the textarea's aria attributes follow. */
  popupChanged(): void;
}

interface Question {
  requestId: number;
  text: string;
  caret: number;
  /** Where the argument text starts (after `/name`). */
  offset: number;
  at: PromptArgumentAtCaret;
  names: string[];
}

export class PromptArgumentPopup {
  readonly popup: CompletionPopup;
  private readonly commands = new Map<string, SlashCommandInfo>();
  /** Names asked for with `findCommands` because no list had them (each once). */
  private readonly lookedUp = new Set<string>();
  private lookupRequest = -1;
  private question: Question | undefined;
  /** The question whose answer is showing. */
  private shown: Question | undefined;
  private timer: number | undefined;

  constructor(
    private readonly doc: Document,
    private readonly host: PromptArgumentPopupHost,
    private readonly debounceMs: number,
  ) {
    this.popup = new CompletionPopup(doc, { label: 'Suggested values', testId: 'argument-popup', optionTestId: 'argument-suggestion', valueAttribute: 'value', emptyText: '', maxItems: MAX_SHOWN }, (value) =>
      this.accept(value),
    );
  }

  /** Remembers the commands of a `/` list; true when it answers this popup's own look-up (then it is not the `/` list's). */
  onCommands(requestId: number, commands: SlashCommandInfo[]): boolean {
    for (const command of commands) {
      this.commands.delete(command.name);
      this.commands.set(command.name, command);
      if (this.commands.size > MAX_REMEMBERED) this.commands.delete(this.commands.keys().next().value!);
    }
    if (requestId !== this.lookupRequest) return false;
    this.lookupRequest = -1;
    this.update();
    return true;
  }

  /**
   * The text or caret changed: what was listed is stale, and if the caret is
   * in an argument of an MCP prompt, its suggestions are asked for once the
   * user pauses.
   */
  update(): void {
    this.close();
    const area = this.host.textarea;
    const text = area.value;
    const caret = area.selectionStart ?? text.length;
    if (area.selectionEnd !== null && area.selectionEnd !== caret) return;
    const m = COMMAND.exec(text);
    const name = m?.[1];
    if (!m || !(name?.startsWith(MCP_PROMPT_PREFIX) || name?.startsWith(TEAM_PROMPT_PREFIX)) || caret < m[0].length) return;
    const command = this.commands.get(name);
    if (!command) {
      // Typed or restored without the `/` list: ask for it once.
      if (!this.lookedUp.has(name) && this.lookedUp.size < MAX_REMEMBERED) {
        this.lookedUp.add(name);
        this.lookupRequest = this.host.nextRequestId();
        this.host.post({ type: 'findCommands', requestId: this.lookupRequest, query: name });
      }
      return;
    }
    if (!command.server || !command.prompt) return;
    const offset = name.length + 1;
    const names = command.prompt.arguments;
    const at = promptArgumentAt(text.slice(offset), caret - offset, names);
    if (!at || at.value.length > MAX_VALUE_CHARS) return;
    const server = command.server;
    const team = command.team === true;
    const prompt = command.prompt.name;
    this.timer = this.doc.defaultView?.setTimeout(() => {
      this.timer = undefined;
      const question: Question = { requestId: this.host.nextRequestId(), text, caret, offset, at, names };
      this.question = question;
      this.host.post({
        type: 'completeArgument',
        requestId: question.requestId,
        server,
        // The team server's prompt is asked through the team server, never of a developer's server of the same name.
        ...(team ? { team: true } : {}),
        prompt,
        argument: at.name,
        value: at.value,
        ...(Object.keys(at.context).length > 0 ? { context: at.context } : {}),
      });
    }, this.debounceMs);
  }

  /** The server's answer: shown when it is for the text as it is now and offers something other than what is typed. */
  onSuggestions(requestId: number, values: readonly unknown[], hasMore = false): void {
    const question = this.question;
    if (!question || question.requestId !== requestId || !Array.isArray(values)) return;
    this.question = undefined;
    const area = this.host.textarea;
    if (area.value !== question.text || area.selectionStart !== question.caret) return;
    const typed = question.text.slice(question.offset + question.at.start, question.offset + question.at.end);
    const seen = new Set<string>();
    const items: CompletionItem[] = [];
    let cut = false;
    for (const value of values) {
      if (items.length >= MAX_SHOWN) {
        cut = true;
        break;
      }
      if (typeof value !== 'string' || value.length > MAX_VALUE_CHARS || unsafe(value) || seen.has(value)) continue;
      seen.add(value);
      const written = argumentText(value, question.at, question.names);
      // What is typed already is no suggestion: Enter must still send the message.
      if (written === undefined || written === typed) continue;
      items.push({
        value,
        name: value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value,
        detail: question.at.name,
        title: value,
        className: 'argument-option',
      });
    }
    if (items.length === 0) return;
    this.shown = question;
    this.popup.show(items, hasMore || cut ? 'Type more to see other values' : undefined);
    this.host.popupChanged();
  }

  /** Puts the accepted value in place of the argument's text, then asks for the next argument's suggestions. */
  private accept(value: string): void {
    const question = this.shown;
    const area = this.host.textarea;
    this.close();
    if (!question || area.value !== question.text) return;
    const written = argumentText(value, question.at, question.names);
    if (written === undefined) return;
    const start = question.offset + question.at.start;
    const end = question.offset + question.at.end;
    const after = question.text.slice(end);
    const space = question.at.moreToFill && !/^\s/.test(after) ? ' ' : '';
    area.value = question.text.slice(0, start) + written + space + after;
    const caret = start + written.length + (question.at.moreToFill ? 1 : 0);
    area.setSelectionRange(caret, caret);
    this.host.textChanged();
    this.update();
  }

  close(): void {
    if (this.timer !== undefined) this.doc.defaultView?.clearTimeout(this.timer);
    this.timer = undefined;
    this.question = undefined;
    this.shown = undefined;
    if (this.popup.isOpen) {
      this.popup.hide();
      this.host.popupChanged();
    }
  }
}
