import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SemanticIndexStatusRequest } from '../../protocol/lspMethods';
import type { CodebaseSearchService } from './codebaseSearchService';

/**
 * Keeps the codebase index current: the editor's file watcher (registered
 * by hearthServer.ts for every file once the client is initialized, since
 * creations, deletions and changes made outside the editor matter as much as
 * saves; its notifications reach the service through the server's one
 * `onDidChangeWatchedFiles` handler, which a connection allows only once) and
 * document saves both hand the service the paths that changed; it re-reads
 * only those (see CodebaseSearchService.filesChanged).
 */
export function registerCodebaseSearch(connection: Connection, documents: TextDocuments<TextDocument>, service: CodebaseSearchService): void {
  connection.onRequest(SemanticIndexStatusRequest.type, () => service.status);
  documents.onDidSave((e) => service.filesChanged([e.document.uri]));
}
