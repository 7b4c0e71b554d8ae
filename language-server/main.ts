/**
 * Entry point of Hearth's language server, a separate process started by the
 * extension (or by any LSP client: `node dist/language-server.js --stdio`).
 * It never imports `vscode`; everything it knows about the editor arrives over LSP.
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { HearthInitializationOptions } from '../protocol/lspMethods';
import { HearthServer } from './hearthServer';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let server: HearthServer | undefined;

connection.onInitialize((params): InitializeResult => {
  const options = (params.initializationOptions ?? {}) as Partial<HearthInitializationOptions>;
  if (!options.storagePath) {
    throw new Error('Hearth needs initializationOptions.storagePath: the directory where chat sessions are stored.');
  }
  server = new HearthServer(connection, documents, params, options as HearthInitializationOptions);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      ...server.capabilities(),
    },
    serverInfo: { name: 'hearth-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => server?.initialized());

// A background promise nobody awaited (a refused registration, a watcher's update) must cost its own feature, not
// the process: Node ends a process on an unhandled rejection, which would end every chat and suggestion with it.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Hearth: a background task failed: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});
connection.onShutdown(() => server?.shutdown());

documents.listen(connection);
connection.listen();
