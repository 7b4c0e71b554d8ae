/**
 * The chat header's mode switch: Ask, Plan, Agent, as three toggle buttons.
 * It shows the mode the extension says the chat is in and asks for a change;
 * what a mode may do is decided in the agent core, never here.
 */
import { CHAT_MODES, chatModeLabel, DEFAULT_CHAT_MODE, type ChatMode } from '../protocol/chat';
import type { FromWebview } from '../protocol/webviewMessages';
import { button, el } from './dom';

const DESCRIPTIONS: Record<ChatMode, string> = {
  ask: 'Ask: answers questions; reads and searches, never changes files or runs commands',
  plan: 'Plan: reads the code and writes a numbered plan you can edit and run in Agent mode',
  agent: 'Agent: reads, edits and runs commands, with your approval',
};

export class ModeSwitch {
  readonly element: HTMLElement;
  private readonly buttons = new Map<ChatMode, HTMLButtonElement>();
  private current: ChatMode = DEFAULT_CHAT_MODE;

  constructor(doc: Document, post: (message: FromWebview) => void) {
    for (const mode of CHAT_MODES) {
      const b = button(doc, {
        label: DESCRIPTIONS[mode],
        testId: `mode-${mode}`,
        className: 'mode-button',
        children: [chatModeLabel(mode)],
        onClick: () => {
          if (mode === this.current) return;
          this.show(mode);
          post({ type: 'setMode', mode });
        },
      });
      this.buttons.set(mode, b);
    }
    this.element = el(doc, 'div', {
      className: 'mode-switch',
      attrs: { role: 'group', 'aria-label': 'Chat mode (Ctrl+Alt+M switches)', 'data-testid': 'mode-switch' },
      children: [...this.buttons.values()],
    });
    this.show(this.current);
  }

  get mode(): ChatMode {
    return this.current;
  }

  show(mode: ChatMode): void {
    this.current = mode;
    for (const [m, b] of this.buttons) {
      b.setAttribute('aria-pressed', String(m === mode));
      b.classList.toggle('active', m === mode);
    }
    this.element.setAttribute('data-mode', mode);
  }
}
