import type { BackendStatus, ChatEventParams } from '../../protocol/lspMethods';

/**
 * What the chat service needs from the editor. The LSP connection implements
 * it in production; tests implement it in memory, without JSON-RPC.
 */
export interface ChatClient {
  sendEvent(params: ChatEventParams): void;
  sendStatus(status: BackendStatus): void;
  log(message: string): void;
}
