/**
 * Shared helpers for the webview unit tests: a jsdom window, a HostApi that
 * records messages, and a frame scheduler the test flushes by hand so renders
 * can be counted. The webview modules take their Document as a parameter, so
 * nothing here patches Node's globals.
 */
import { createRequire } from 'node:module';
import type { JSDOM as JSDOMClass } from 'jsdom';
import type { FromWebview, ToWebview } from '../../protocol/webviewMessages';
import type { SessionView } from '../../protocol/sessions';
import { ChatApp } from '../../webview/chatApp';
import type { ChatAppOptions } from '../../webview/chatApp';
import type { FrameScheduler } from '../../webview/frameScheduler';
import type { HostApi, PersistedState } from '../../webview/vscodeApi';

// jsdom resolves worker files from its own folder at runtime, so it cannot be
// bundled into the test file: load it from node_modules instead. (A non-literal
// name keeps esbuild from following the require.)
const loadFromNodeModules = createRequire(import.meta.url);
const jsdomPackage = 'jsdom';
const { JSDOM } = loadFromNodeModules(jsdomPackage) as { JSDOM: typeof JSDOMClass };

export function createDom(): JSDOMClass {
  return new JSDOM('<!doctype html><html><body class="vscode-dark"><div id="root"></div></body></html>', { url: 'https://webview.test/' });
}

export class RecordingApi implements HostApi {
  readonly messages: FromWebview[] = [];
  state: PersistedState | undefined;

  constructor(initial?: PersistedState) {
    this.state = initial;
  }

  postMessage(message: FromWebview): void {
    this.messages.push(message);
  }

  getState(): PersistedState | undefined {
    return this.state;
  }

  setState(state: PersistedState): void {
    this.state = JSON.parse(JSON.stringify(state)) as PersistedState;
  }

  /** Messages of one type, typed. */
  of<K extends FromWebview['type']>(type: K): Extract<FromWebview, { type: K }>[] {
    return this.messages.filter((m): m is Extract<FromWebview, { type: K }> => m.type === type);
  }

  last<K extends FromWebview['type']>(type: K): Extract<FromWebview, { type: K }> | undefined {
    const all = this.of(type);
    return all[all.length - 1];
  }
}

export class ManualScheduler implements FrameScheduler {
  private queue: (() => void)[] = [];
  frames = 0;
  /** The frame clock: each flush is a frame `msPerFrame` after the last, as at 60 Hz. */
  time = 0;

  request(callback: () => void): void {
    this.queue.push(callback);
  }

  now(): number {
    return this.time;
  }

  /** Runs one animation frame, `msPerFrame` after the last. */
  flush(msPerFrame = 16): void {
    this.time += msPerFrame;
    const due = this.queue;
    this.queue = [];
    if (due.length > 0) this.frames++;
    for (const callback of due) callback();
  }

  /** Runs frames until nothing is waiting to be painted (streamed text fully revealed), at most `limit`. */
  settle(limit = 1000): number {
    let n = 0;
    while (this.queue.length > 0 && n < limit) {
      this.flush();
      n++;
    }
    return n;
  }
}

export interface Harness {
  dom: JSDOMClass;
  window: JSDOMClass['window'];
  document: Document;
  app: ChatApp;
  api: RecordingApi;
  scheduler: ManualScheduler;
  send(message: ToWebview): void;
  $(testId: string): HTMLElement | null;
  $$(testId: string): HTMLElement[];
  dispose(): void;
}

export function createHarness(options: ChatAppOptions & { state?: PersistedState } = {}): Harness {
  const dom = createDom();
  const document = dom.window.document;
  const api = new RecordingApi(options.state);
  const scheduler = new ManualScheduler();
  const app = new ChatApp(document.getElementById('root')!, api, { scheduler, mentionDebounceMs: 5, ...options });
  return {
    dom,
    window: dom.window,
    document,
    app,
    api,
    scheduler,
    send: (message) => app.handleMessage(message),
    $: (testId) => document.querySelector<HTMLElement>(`[data-testid="${testId}"]`),
    $$: (testId) => Array.from(document.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)),
    dispose: () => dom.window.close(),
  };
}

export function keydown(target: Element, key: string, init: { shiftKey?: boolean; ctrlKey?: boolean; isComposing?: boolean; keyCode?: number } = {}): KeyboardEvent {
  const view = target.ownerDocument.defaultView!;
  const event = new view.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

/** Replaces the textarea's text, puts the caret at the end and fires `input`, as typing would. */
export function type(textarea: HTMLTextAreaElement, text: string): void {
  const view = textarea.ownerDocument.defaultView!;
  textarea.value = text;
  textarea.setSelectionRange(text.length, text.length);
  textarea.dispatchEvent(new view.Event('input', { bubbles: true }));
}

export function click(target: Element): void {
  const view = target.ownerDocument.defaultView!;
  target.dispatchEvent(new view.MouseEvent('click', { bubbles: true, cancelable: true }));
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function sessionView(id: string, entries: SessionView['entries'], title = 'A chat'): SessionView {
  return { summary: { id, title, createdAt: 0, updatedAt: 0, messageCount: entries.length }, entries };
}
