/**
 * The message input: a textarea with context chips, attach buttons, `@` file
 * mentions, `/` commands and a Send button that turns into Stop while an answer streams.
 *
 * Nothing typed is lost: the draft and its chips are saved with setState on
 * every change (so they survive the view being hidden or reloaded; attached
 * images by reference to the image store, see draftImageSync.ts), and a send
 * that fails before its turn starts puts the text and chips back.
 */
import { parseResourceMention, type ContextItem, type HearthError } from '../protocol/chat';
import { templateVariables } from '../protocol/uriTemplate';
import type { FromWebview, RulesChip } from '../protocol/webviewMessages';
import { contextChip, sameContext } from './contextChip';
import { renderRulesChips } from './rulesChips';
import { button, el } from './dom';
import { icon } from './icons';
import { findSlashQuery, type SlashCommandInfo } from '../protocol/slashCommands';
import type { CompletionPopup } from './completionPopup';
import { AGENT_VALUE_PREFIX, agentItem, createMentionPopup, findMentionQuery, mentionItem } from './mentionPopup';
import type { AgentSummary } from '../protocol/agents';
import { createSlashPopup, slashItem } from './slashPopup';
import { PromptArgumentPopup } from './promptArgumentPopup';
import { updateState } from './vscodeApi';
import { ImageAttachments } from './imageAttachments';
import { DraftImageSync } from './draftImageSync';
import type { ChatImage } from '../protocol/chatImages';
import type { HostApi } from './vscodeApi';

/** idle: ready to send; pending: a send is on its way; streaming: an answer is arriving (Stop is offered). */
export type ComposerMode = 'idle' | 'pending' | 'streaming';

export interface ComposerHost {
  api: HostApi;
  /** Sends a message; the app adds the model and session. */
  send(text: string, context: ContextItem[], images?: ChatImage[]): void;
  stop(): void;
  post(message: FromWebview): void;
}

export interface ComposerOptions {
  /** Delay between the last keystroke of an `@query` and the `findFiles` request. */
  mentionDebounceMs?: number;
}

/** Characters that may follow an `@path` mention in prose ("see @src/a.ts."). */
const MENTION_END = /^(?:$|[\s,.;:!?)\]}'"])/;

export function textMentions(text: string, path: string): boolean {
  const token = `@${path}`;
  for (let i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + 1)) {
    const before = i === 0 ? '' : text[i - 1];
    if ((before === '' || /\s|[(["']/.test(before)) && MENTION_END.test(text.slice(i + token.length, i + token.length + 1))) return true;
  }
  return false;
}

/** An MCP resource template (`mcp:server/…{var}…`) in the `@` list, as opposed to a file or a resource. */
function isTemplateMention(path: string): boolean {
  const resource = parseResourceMention(path);
  return resource !== undefined && templateVariables(resource.uri) !== undefined;
}

export class Composer {
  readonly element: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly chipsElement: HTMLElement;
  /** Pasted, dropped and picked images (thumbnail chips until sent). */
  readonly images: ImageAttachments;
  /** Keeps the attached images across a reload, by reference (see draftImageSync.ts). */
  readonly draftImages: DraftImageSync;
  private readonly rulesElement: HTMLElement;
  /** The attachments' paths last reported to the extension (which finds their nearest AGENTS.md). */
  private reportedPaths = '[]';
  private readonly errorElement: HTMLElement;
  private readonly actionButton: HTMLButtonElement;
  private readonly popup: CompletionPopup;
  private readonly slashPopup: CompletionPopup;
  /** The server's suggestions for the MCP prompt argument being typed after its command. */
  private readonly argumentPopup: PromptArgumentPopup;
  private chips: ContextItem[] = [];
  private mode: ComposerMode = 'idle';
  private composing = false;
  private mention: { start: number; query: string } | undefined;
  /** A picked MCP resource template whose values the extension is asking for, and the `@query` it will replace. */
  private pendingTemplate: { requestId: number; mention: { start: number; query: string } } | undefined;
  private mentionTimer: number | undefined;
  /** The `/command` being typed at the start of the message, while the `/` list is wanted. */
  private slash: { query: string } | undefined;
  private slashTimer: number | undefined;
  private latestCommandRequest = -1;
  private requestSeq = 0;
  private latestRequest = -1;
  private lastSent = '';
  private readonly debounceMs: number;

  constructor(
    private readonly doc: Document,
    private readonly host: ComposerHost,
    options: ComposerOptions = {},
  ) {
    this.debounceMs = options.mentionDebounceMs ?? 150;
    this.popup = createMentionPopup(doc, (path) => this.chooseMention(path));
    this.slashPopup = createSlashPopup(doc, (name) => this.chooseCommand(name));
    this.chipsElement = el(doc, 'div', { className: 'chips composer-chips', attrs: { 'data-testid': 'context-chips', 'aria-label': 'Attached context' } });
    this.rulesElement = el(doc, 'div', { className: 'chips rules-chips', attrs: { 'data-testid': 'rules-chips', 'aria-label': 'Rules files in the system prompt' } });
    this.rulesElement.hidden = true;
    this.errorElement = el(doc, 'div', { className: 'send-error', attrs: { 'data-testid': 'send-error', role: 'alert' } });
    this.errorElement.hidden = true;
    const problem = (message: string) => this.showError({ code: 'invalidRequest', message, retryable: false });
    // The chips' first render comes before the sync exists: there is nothing to keep yet.
    const images = new ImageAttachments(doc, problem, () => this.focus(), () => this.draftImages?.changed());
    this.images = images;
    this.draftImages = new DraftImageSync(host.api, (m) => host.post(m), {
      get list() {
        return images.list;
      },
      restore: (list) => images.restore(list),
      problem,
    });

    const hintId = 'composer-hint';
    this.textarea = el(doc, 'textarea', {
      className: 'composer-input',
      attrs: {
        'data-testid': 'composer',
        'aria-label': 'Message Hearth',
        'aria-describedby': hintId,
        'aria-autocomplete': 'list',
        'aria-controls': this.popup.listId,
        'aria-expanded': 'false',
        placeholder: 'Ask Hearth — @ to add files or context, / for commands',
        rows: '1',
        spellcheck: 'true',
      },
    });
    this.argumentPopup = new PromptArgumentPopup(
      doc,
      {
        textarea: this.textarea,
        post: (m) => host.post(m),
        nextRequestId: () => this.requestSeq++,
        textChanged: () => {
          this.persist();
          this.autoSize();
        },
        popupChanged: () => this.syncPopupAria(),
      },
      this.debounceMs,
    );
    this.actionButton = button(doc, { label: 'Send', testId: 'send', className: 'send-button primary', onClick: () => this.onAction() });

    this.element = el(doc, 'div', {
      className: 'composer',
      children: [
        this.errorElement,
        this.rulesElement,
        this.chipsElement,
        this.images.element,
        el(doc, 'div', { className: 'composer-box', children: [this.popup.element, this.slashPopup.element, this.argumentPopup.popup.element, this.textarea] }),
        el(doc, 'div', {
          className: 'composer-toolbar',
          children: [
            button(doc, {
              label: 'Attach the editor selection',
              testId: 'attach-selection',
              className: 'icon-button',
              children: [icon(doc, 'selection')],
              onClick: () => host.post({ type: 'attach', what: 'selection' }),
            }),
            button(doc, {
              label: 'Attach the active file',
              testId: 'attach-file',
              className: 'icon-button',
              children: [icon(doc, 'file')],
              onClick: () => host.post({ type: 'attach', what: 'activeFile' }),
            }),
            button(doc, {
              label: 'Attach an image (or paste or drop one)',
              testId: 'attach-image',
              className: 'icon-button',
              children: [icon(doc, 'image')],
              onClick: () => host.post({ type: 'pickImages' }),
            }),
            el(doc, 'span', { className: 'composer-hint', attrs: { id: hintId }, text: 'Enter to send · Shift+Enter for a new line' }),
            this.actionButton,
          ],
        }),
      ],
    });

    this.images.listen(this.element);
    this.textarea.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.textarea.addEventListener('input', () => this.onInput());
    this.textarea.addEventListener('compositionstart', () => (this.composing = true));
    this.textarea.addEventListener('compositionend', () => (this.composing = false));
    this.textarea.addEventListener('blur', () => {
      this.closeMention();
      this.closeSlash();
      this.argumentPopup.close();
    });

    const saved = host.api.getState();
    if (saved?.draft) this.textarea.value = saved.draft;
    if (saved?.chips) this.chips = saved.chips.filter((c) => typeof c === 'object' && c !== null && typeof c.path === 'string');
    this.renderChips();
    this.renderAction();
  }

  get text(): string {
    return this.textarea.value;
  }

  get context(): readonly ContextItem[] {
    return this.chips;
  }

  focus(): void {
    this.textarea.focus();
  }

  setMode(mode: ComposerMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.renderAction();
  }

  /**
   * Adds a context chip (from `addContext` or a mention); duplicates are
   * ignored. A mention the text does not name yet (the explorer's Add to
   * Chat) gets its `@path` at the end of the text, since a mention goes with
   * the message only while the text names it.
   */
  addContext(item: ContextItem): void {
    if (item.kind === 'mention' && !textMentions(this.textarea.value, item.path)) {
      const text = this.textarea.value;
      this.textarea.value = `${text}${text === '' || /\s$/.test(text) ? '' : ' '}@${item.path} `;
      this.autoSize();
    }
    if (this.chips.some((c) => sameContext(c, item))) return this.persist();
    this.chips.push(item);
    this.renderChips();
    this.persist();
  }

  /** Images read by the extension from the picker (`imagesPicked`), with why any others were refused. */
  addImages(images: ChatImage[], problems: string[]): void {
    this.images.add(images, problems);
    this.focus();
  }

  /** Puts a message that could not be sent back into the input, keeping anything typed since. */
  restore(text: string, context: ContextItem[], images: readonly ChatImage[] = []): void {
    this.images.restore(images);
    const current = this.textarea.value;
    // The same message taken back twice (a restore, then Edit on it) is there once.
    this.textarea.value = current.trim() === '' || current === text ? text : `${text}\n${current}`;
    for (const item of context) if (!this.chips.some((c) => sameContext(c, item))) this.chips.push(item);
    this.renderChips();
    this.persist();
    this.autoSize();
    this.focus();
    const end = this.textarea.value.length;
    this.textarea.setSelectionRange(end, end);
  }

  /**
   * Takes back what `restore` put here, when the text is still exactly as it
   * was restored: Redo brought the message back into the chat, and leaving
   * it here would send it twice. Anything the user typed or attached stays.
   */
  withdraw(text: string, context: ContextItem[] = [], images: readonly ChatImage[] = []): void {
    if (this.textarea.value !== text) return;
    this.textarea.value = '';
    this.chips = this.chips.filter((c) => !context.some((item) => sameContext(c, item)));
    this.images.withdraw(images);
    this.renderChips();
    this.persist();
    this.autoSize();
  }

  showError(error: HearthError | undefined): void {
    this.errorElement.hidden = !error;
    if (!error) {
      this.errorElement.replaceChildren();
      return;
    }
    const doc = this.doc;
    this.errorElement.replaceChildren(
      el(doc, 'span', { className: 'send-error-text', text: error.message }),
      button(doc, { label: 'Dismiss', className: 'icon-button subtle', children: [icon(doc, 'close')], onClick: () => this.showError(undefined) }),
    );
  }

  /** Answer to our `findFiles`; stale answers (an older request, or the mention was closed) are dropped. */
  onFiles(requestId: number, paths: string[], agents: AgentSummary[] = []): void {
    if (requestId !== this.latestRequest || !this.mention) return;
    // Only a leading `@name` routes the message to an agent, so agents are offered only there.
    const atStart = this.textarea.value.slice(0, this.mention.start).trim() === '';
    this.popup.show([...(atStart ? agents.map(agentItem) : []), ...paths.map(mentionItem)]);
    this.syncPopupAria();
  }

  /** Answer to our `findCommands`; stale answers are dropped like `onFiles`'. */
  onCommands(requestId: number, commands: SlashCommandInfo[]): void {
    if (this.argumentPopup.onCommands(requestId, commands)) return;
    if (requestId !== this.latestCommandRequest || !this.slash) return;
    this.slashPopup.show(commands.map(slashItem));
    this.syncPopupAria();
  }

  /** Sends the draft. Returns whether a message was sent. */
  send(): boolean {
    if (this.mode !== 'idle') return false;
    const text = this.textarea.value;
    // Images alone can be sent; the model gets them with an empty text (see agent-host/core/toOllamaMessages.ts).
    if (text.trim() === '' && this.images.list.length === 0) return false;
    // Mentions count only while their `@path` is still in the text; other chips always go.
    const context = this.chips.filter((c) => c.kind !== 'mention' || textMentions(text, c.path)).map((c) => (c.kind === 'mention' ? { kind: 'mention' as const, path: c.path } : c));
    const images = this.images.take();
    this.lastSent = text;
    this.textarea.value = '';
    this.chips = [];
    this.closeMention();
    this.closeSlash();
    this.argumentPopup.close();
    this.renderChips();
    this.showError(undefined);
    this.persist();
    this.autoSize();
    this.host.send(text, context, images.length > 0 ? images : undefined);
    return true;
  }

  private onAction(): void {
    if (this.mode === 'streaming') this.host.stop();
    else if (this.send()) this.focus();
  }

  private renderAction(): void {
    const doc = this.doc;
    const stop = this.mode === 'streaming';
    this.actionButton.setAttribute('data-testid', stop ? 'stop' : 'send');
    this.actionButton.setAttribute('aria-label', stop ? 'Stop the answer' : 'Send');
    this.actionButton.title = stop ? 'Stop' : 'Send (Enter)';
    this.actionButton.disabled = this.mode === 'pending';
    this.actionButton.classList.toggle('stop', stop);
    this.actionButton.replaceChildren(icon(doc, stop ? 'stop' : 'send'), el(doc, 'span', { className: 'button-label', text: stop ? 'Stop' : 'Send' }));
    this.element?.setAttribute('data-mode', this.mode);
  }

  /** Shows the rules files the next message carries (the extension lists them). */
  setRules(rules: RulesChip[]): void {
    this.rulesElement.replaceChildren(...renderRulesChips(this.doc, rules, (m) => this.host.post(m)));
    this.rulesElement.hidden = rules.length === 0;
  }

  private renderChips(): void {
    // The attachments decide which nested AGENTS.md files apply; tell the extension when they change.
    const paths = this.chips.filter((c) => !parseResourceMention(c.path)).map((c) => c.path);
    const key = JSON.stringify(paths);
    if (key !== this.reportedPaths) {
      this.reportedPaths = key;
      this.host.post({ type: 'contextPaths', paths });
    }
    this.chipsElement.replaceChildren(
      ...this.chips.map((item) =>
        contextChip(this.doc, item, () => {
          this.chips = this.chips.filter((c) => c !== item);
          this.renderChips();
          this.persist();
          this.focus();
        }),
      ),
    );
    this.chipsElement.hidden = this.chips.length === 0;
  }

  private onKeyDown(event: KeyboardEvent): void {
    // Keys confirm an IME candidate while composing; they must not send or choose.
    if (event.isComposing || this.composing || event.keyCode === 229) return;
    const popup = this.openPopup();
    if (popup) {
      const close = () => (popup === this.popup ? this.closeMention() : popup === this.slashPopup ? this.closeSlash() : this.argumentPopup.close());
      switch (event.key) {
        case 'ArrowDown':
        case 'ArrowUp':
          event.preventDefault();
          popup.move(event.key === 'ArrowDown' ? 1 : -1);
          this.syncPopupAria();
          return;
        case 'Enter':
        case 'Tab':
          if (event.shiftKey) break;
          if (popup.chooseSelected()) {
            event.preventDefault();
            return;
          }
          close();
          if (event.key === 'Tab') return;
          break;
        case 'Escape':
          event.preventDefault();
          event.stopPropagation();
          close();
          return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      this.send();
      return;
    }
    if (event.key === 'ArrowUp' && this.textarea.value === '' && this.lastSent !== '') {
      // Like a shell: bring back the last message to fix a typo and send again.
      event.preventDefault();
      this.textarea.value = this.lastSent;
      this.persist();
      this.autoSize();
    }
  }

  private onInput(): void {
    this.persist();
    this.autoSize();
    const caret = this.textarea.selectionStart ?? this.textarea.value.length;
    if (this.onSlashInput(caret)) {
      this.argumentPopup.close();
      return;
    }
    const found = findMentionQuery(this.textarea.value, caret);
    // A value typed after an MCP prompt's command gets the server's suggestions, unless it is an `@` mention.
    if (found) this.argumentPopup.close();
    else this.argumentPopup.update();
    const view = this.doc.defaultView;
    if (this.mentionTimer !== undefined) view?.clearTimeout(this.mentionTimer);
    this.mentionTimer = undefined;
    if (!found || found.query === '') {
      this.closeMention();
      if (found) this.mention = found;
      return;
    }
    this.mention = found;
    // Debounced: a search per keystroke would flood the language server while the user types a name.
    this.mentionTimer = view?.setTimeout(() => {
      this.mentionTimer = undefined;
      this.latestRequest = this.requestSeq++;
      this.host.post({ type: 'findFiles', requestId: this.latestRequest, query: found.query });
    }, this.debounceMs);
  }

  /**
   * `/` at the start of the message opens the command list, narrowed as the
   * name is typed (the first list comes at once, later ones debounced like
   * `@`). Returns whether the caret is in a command name.
   */
  private onSlashInput(caret: number): boolean {
    const found = findSlashQuery(this.textarea.value, caret);
    const view = this.doc.defaultView;
    if (this.slashTimer !== undefined) view?.clearTimeout(this.slashTimer);
    this.slashTimer = undefined;
    if (!found) {
      this.closeSlash();
      return false;
    }
    this.closeMention();
    const first = !this.slash;
    this.slash = found;
    const ask = () => {
      this.slashTimer = undefined;
      this.latestCommandRequest = this.requestSeq++;
      this.host.post({ type: 'findCommands', requestId: this.latestCommandRequest, query: found.query });
    };
    if (first) ask();
    else this.slashTimer = view?.setTimeout(ask, this.debounceMs);
    return true;
  }

  /** Replaces the typed `/name` with the chosen command and a space, keeping whatever follows it. */
  private chooseCommand(name: string): void {
    const value = this.textarea.value;
    const end = /^\/\S*/.exec(value)?.[0].length ?? 0;
    const after = value.slice(end).replace(/^ /, '');
    this.textarea.value = `/${name} ${after}`;
    const caret = name.length + 2;
    this.textarea.setSelectionRange(caret, caret);
    this.closeSlash();
    this.persist();
    this.autoSize();
    // An MCP prompt's first argument: its server's suggestions come without a keystroke.
    this.argumentPopup.update();
  }

  private closeSlash(): void {
    this.slash = undefined;
    this.latestCommandRequest = -1;
    if (this.slashTimer !== undefined) this.doc.defaultView?.clearTimeout(this.slashTimer);
    this.slashTimer = undefined;
    if (this.slashPopup.isOpen) {
      this.slashPopup.hide();
      this.syncPopupAria();
    }
  }

  private openPopup(): CompletionPopup | undefined {
    if (this.slashPopup.isOpen) return this.slashPopup;
    if (this.argumentPopup.popup.isOpen) return this.argumentPopup.popup;
    if (this.popup.isOpen) return this.popup;
    return undefined;
  }

  /** Answer to our `completeArgument`: shown only while the text is still the one it answers. */
  onArgumentSuggestions(requestId: number, values: readonly string[], hasMore: boolean): void {
    this.argumentPopup.onSuggestions(requestId, values, hasMore);
  }

  /** Answer to our `expandTemplate`: the expanded resource replaces the `@query`, as a picked resource would. */
  onTemplateExpanded(requestId: number, mention: string | null): void {
    const pending = this.pendingTemplate;
    if (!pending || pending.requestId !== requestId) return;
    this.pendingTemplate = undefined;
    if (mention === null || isTemplateMention(mention)) {
      this.textarea.focus();
      return;
    }
    this.mention = pending.mention;
    this.chooseMention(mention);
    this.textarea.focus();
  }

  private chooseMention(path: string): void {
    const mention = this.mention;
    if (!mention) return;
    if (isTemplateMention(path)) {
      // A template is attached only once its variables have values; the extension asks for them.
      const requestId = this.requestSeq++;
      this.pendingTemplate = { requestId, mention };
      this.closeMention();
      this.host.post({ type: 'expandTemplate', requestId, mention: path });
      return;
    }
    const value = this.textarea.value;
    const caret = Math.max(this.textarea.selectionStart ?? value.length, mention.start + 1 + mention.query.length);
    const after = value.slice(caret);
    // An agent is typed as `@name` and attaches nothing: the language server reads it from the start of the message.
    const agent = path.startsWith(AGENT_VALUE_PREFIX) ? path.slice(AGENT_VALUE_PREFIX.length) : undefined;
    const inserted = `@${agent ?? path}${after.startsWith(' ') ? '' : ' '}`;
    this.textarea.value = value.slice(0, mention.start) + inserted + after;
    const newCaret = mention.start + inserted.length + (after.startsWith(' ') ? 1 : 0);
    this.textarea.setSelectionRange(newCaret, newCaret);
    this.closeMention();
    if (agent === undefined) this.addContext({ kind: 'mention', path });
    this.persist();
    this.autoSize();
  }

  private closeMention(): void {
    this.mention = undefined;
    this.latestRequest = -1;
    if (this.mentionTimer !== undefined) this.doc.defaultView?.clearTimeout(this.mentionTimer);
    this.mentionTimer = undefined;
    this.popup.hide();
    this.syncPopupAria();
  }

  private syncPopupAria(): void {
    const popup = this.openPopup() ?? this.popup;
    this.textarea.setAttribute('aria-controls', popup.listId);
    this.textarea.setAttribute('aria-expanded', String(popup.isOpen));
    const active = popup.activeId;
    if (active) this.textarea.setAttribute('aria-activedescendant', active);
    else this.textarea.removeAttribute('aria-activedescendant');
  }

  /** Grows the textarea with its content up to the CSS max-height; CSSOM writes are allowed by the CSP. */
  private autoSize(): void {
    const area = this.textarea;
    area.style.height = 'auto';
    if (area.scrollHeight > 0) area.style.height = `${area.scrollHeight}px`;
  }

  private persist(): void {
    updateState(this.host.api, { draft: this.textarea.value, chips: this.chips });
  }
}
