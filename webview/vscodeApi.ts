/**
 * The webview's only channel to the extension. Everything else in the webview
 * depends on the `HostApi` interface rather than on `acquireVsCodeApi`, so tests
 * pass a recorder instead of a real VS Code host.
 */
import type { FromWebview } from '../protocol/webviewMessages';
import type { ContextItem } from '../protocol/chat';
import type { ImageRef } from '../protocol/chatImages';

/** UI trivia kept across webview reloads. Never agent state: sessions come from the extension. */
export interface PersistedState {
  /** The composer text, so nothing the user typed is lost when the view is hidden or reloaded. */
  draft?: string;
  /** Context chips attached to the draft. */
  chips?: ContextItem[];
  /** The draft's id in the language server's image store, and its images by reference only (their bytes are stored there, not here). */
  draftId?: string;
  draftImages?: ImageRef[];
  /** The transcript's scroll position for `scrollSessionId`, restored once after a reload. */
  scrollTop?: number;
  scrollSessionId?: string;
}

export interface HostApi {
  postMessage(message: FromWebview): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}

interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi;

let acquired: HostApi | undefined;

/**
 * Returns the VS Code API, acquired once: VS Code throws if `acquireVsCodeApi`
 * is called a second time in the same webview.
 */
export function acquireHostApi(): HostApi {
  if (acquired) return acquired;
  const api = acquireVsCodeApi();
  acquired = {
    postMessage: (message) => api.postMessage(message),
    getState: () => (api.getState() as PersistedState | undefined) ?? undefined,
    setState: (state) => api.setState(state),
  };
  return acquired;
}

/** Merges `patch` into the persisted state, keeping the fields other views own. */
export function updateState(api: HostApi, patch: Partial<PersistedState>): void {
  api.setState({ ...(api.getState() ?? {}), ...patch });
}
