import { DidChangeWatchedFilesNotification, type Connection, type InitializeParams, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SemanticIndexStatusRequest } from '../../protocol/lspMethods';
import type { CodebaseSearchService } from './codebaseSearchService';

/**
 * Keeps the codebase index current: the editor's file watcher (registered
 * dynamically for every file, since creations, deletions and changes made
 * outside the editor matter as much as saves; its notifications reach the
 * service through the server's one `onDidChangeWatchedFiles` handler, in
 * hearthServer.ts, which a connection allows only once) and document saves
 * both ask the service for a debounced sync, which re-reads only changed files.
 */
export function registerCodebaseSearch(connection: Connection, params: InitializeParams, documents: TextDocuments<TextDocument>, service: CodebaseSearchService): void {
  connection.onRequest(SemanticIndexStatusRequest.type, () => service.status);
  documents.onDidSave(() => service.filesChanged());
  if (params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  }
}
