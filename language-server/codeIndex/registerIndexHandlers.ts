import type { Connection } from 'vscode-languageserver/node';
import { IndexControlRequest, IndexStatusRequest } from '../../protocol/lspMethods';
import type { CodebaseSearchService } from '../semanticSearch/codebaseSearchService';
import type { CodeIndexService } from './codeIndexService';

/**
 * The status bar's requests for both local indexes: the symbol index's
 * status at start, and the menu's Re-index and Pause, which act on the
 * symbol index and the codebase index together (the user sees one item).
 */
export function registerIndexHandlers(connection: Connection, symbols: CodeIndexService, codebase: CodebaseSearchService): void {
  connection.onRequest(IndexStatusRequest.type, () => symbols.status());
  connection.onRequest(IndexControlRequest.type, async ({ action }) => {
    if (action === 'pause') {
      await Promise.all([symbols.pause(), codebase.pause()]);
    } else if (action === 'reindex') {
      // Not awaited: a re-index runs in the background and reports through the status notifications.
      void symbols.reindex();
      void codebase.reindex();
    } else {
      throw new Error(`Unknown index action: ${String(action)}`);
    }
  });
}
