import { authorizationHeaders } from '../settings/readOllamaHost';
import { actionRole } from '../agents/actionRole';
import type { Connection } from 'vscode-languageserver/node';
import { createFimCompleter, type FimCompleter } from '../../agent-host';
import { ApplyCodeBlockRequest, CodeReviewRequest, CommitMessageRequest, CompletionSetPausedNotification, CompletionStatusNotification, EditGenerateRequest, EditTargetCheckRequest, SUGGESTION_ACCEPTED_COMMAND } from '../../protocol/lspMethods';
import { guarded, signalOf } from '../guarded';
import type { HearthServer } from '../hearthServer';
import { ApplyCodeBlockService } from './applyCodeBlockService';
import { EditActionService } from './editActionService';
import { linkedTargetRefusal } from './linkedTargetRefusal';
import { COMPLETION_TRACE_PREFIX, InlineCompletionService, type CompletionTrace } from './inlineCompletionService';
import { provideCodeActions } from './provideCodeActions';
import { SuggestionReporter } from './suggestionReporter';
import { CodeReviewService } from '../review/codeReviewService';

/**
 * Registers inline suggestions (`textDocument/inlineCompletion`), the
 * lightbulb code actions, and the model requests behind the editor actions
 * (`hearth/edit/generate`, `hearth/commit/generate`, `hearth/review`). Returns the suggestion
 * service for tests that drive it in-process.
 */
export function registerInlineCompletion(connection: Connection, server: HearthServer): InlineCompletionService {
  // One local completer, made again when the Ollama host or the providers change (it remembers what each model can do).
  let local: { key: string; completer: FimCompleter } | undefined;
  const completion = new InlineCompletionService({
    documents: server.documents,
    settings: () => server.settings.get(),
    completer: ({ host, authorization, providers }) => {
      // In team mode suggestions go through the team server's shared GPU (its CompletionService).
      const team = server.agents.currentTeamCompleter();
      if (team) return team;
      const key = JSON.stringify([host, authorization, providers]);
      if (local?.key !== key) {
        // A `provider::model` suggestion model goes to that provider, with the key the extension handed over.
        local = { key, completer: createFimCompleter({ host, headers: authorizationHeaders(authorization), providers, providerKey: (name, baseUrl) => server.agents.providerKeys.get(name, baseUrl), proxyRoute: server.agents.proxyRoute }) };
      }
      return local.completer;
    },
    roots: () => server.openFolders,
    plan: (model, signal) => server.planRun(model, 'completion', signal),
    sendStatus: (status) => void connection.sendNotification(CompletionStatusNotification.type, status),
    log: (message) => connection.console.log(message),
    // The benchmark reads where each answer's time went from stderr; nobody else sets this variable.
    trace: process.env.HEARTH_COMPLETION_TRACE ? (event) => process.stderr.write(`${COMPLETION_TRACE_PREFIX}${JSON.stringify(event)}\n`) : undefined,
  });
  const edits = new EditActionService({
    documents: server.documents,
    agent: () => server.agents.refresh(),
    settings: () => server.settings.get(),
    roots: () => server.openFolders,
    plan: (agent, model, path, settings, signal) => server.runs.plan(agent, model, path, settings.chat, signal),
    role: (kind, settings, agent, chatModel, signal) => actionRole(server.agentCatalog, kind, settings, agent, chatModel, signal),
  });

  // In team mode the admin sees how many suggestions are shown and accepted per language.
  const reporter = new SuggestionReporter({
    send: async (batch) => server.agents.currentTeamAgent()?.reportSuggestions(batch),
    log: (message) => connection.console.log(message),
  });
  connection.languages.inlineCompletion.on(async (params, token) => {
    const origin: { source: CompletionTrace['source'] } = { source: 'none' };
    const list = await completion.provide(params, token, origin);
    const languageId = server.documents.get(params.textDocument.uri)?.languageId;
    if (!list || list.items.length === 0 || token.isCancellationRequested || !languageId || !server.agents.currentTeamAgent()) return list;
    // "Shown" is a suggestion that reached the editor; typing through it is the same suggestion, not another one.
    // VS Code runs the item's command when the user accepts it.
    if (origin.source !== 'typeThrough') reporter.shown(languageId);
    return { ...list, items: list.items.map((item) => ({ ...item, command: { title: 'Suggestion accepted', command: SUGGESTION_ACCEPTED_COMMAND, arguments: [languageId] } })) };
  });
  connection.onExecuteCommand((params) => {
    const language = params.arguments?.[0];
    if (params.command === SUGGESTION_ACCEPTED_COMMAND && typeof language === 'string' && server.agents.currentTeamAgent()) reporter.accepted(language);
  });
  connection.onCodeAction((params) => provideCodeActions(params));
  connection.onRequest(EditGenerateRequest.type, guarded((params, token) => edits.generateEdit(params, signalOf(token))));
  connection.onRequest(CommitMessageRequest.type, guarded((params, token) => edits.commitMessage(params, signalOf(token))));
  const apply = new ApplyCodeBlockService({ documents: server.documents, edits, roots: () => server.openFolders });
  connection.onRequest(ApplyCodeBlockRequest.type, guarded((params, token) => apply.apply(params, signalOf(token))));
  connection.onRequest(EditTargetCheckRequest.type, guarded(async (params) => {
    const refusal = await linkedTargetRefusal(params.uri, server.openFolders);
    return refusal === undefined ? {} : { refusal };
  }));
  const review = new CodeReviewService({ documents: server.documents, edits, roots: () => server.openFolders });
  connection.onRequest(CodeReviewRequest.type, guarded((params, token) => review.review(params, signalOf(token))));
  connection.onNotification(CompletionSetPausedNotification.type, (params) => completion.setPaused(params.paused === true));

  let checked = false;
  server.documents.onDidOpen(() => {
    // The first opened document means the client is ready: a good moment to find out whether the model exists.
    if (!checked) {
      checked = true;
      void completion.checkModel();
    }
  });
  server.documents.onDidChangeContent((e) => completion.documentChanged(e.document.uri));
  server.documents.onDidClose((e) => completion.documentClosed(e.document.uri));
  return completion;
}
