import { CancellationTokenSource, type CancellationToken } from 'vscode-languageserver-protocol';
import type { McpCompleteParams, McpCompleteResult } from '../../protocol/lspMethods';
import type { FromWebviewMap, ToWebviewMap } from '../../protocol/webviewMessages';

/** Sends `hearth/mcp/complete` to the language server (LanguageClient.sendRequest). */
export type CompleteArgument = (params: McpCompleteParams, token: CancellationToken) => Promise<McpCompleteResult>;

/**
 * The composer's questions for an MCP prompt argument's suggestions
 * (`completeArgument`), passed to the language server's `hearth/mcp/complete`.
 * Only the latest question matters: a new one cancels the one before (the
 * server's request is cancelled with it). Every question gets an answer, an
 * empty one when the server offers nothing, failed or was cancelled, so the
 * view never waits on a server that cannot help. No `vscode` here, so the
 * path is tested against the real language server in Node.
 */
export class PromptArgumentSuggestions {
  private pending: CancellationTokenSource | undefined;

  constructor(
    private readonly complete: CompleteArgument,
    private readonly post: (message: { type: 'argumentSuggestions' } & ToWebviewMap['argumentSuggestions']) => void,
  ) {}

  async ask(message: FromWebviewMap['completeArgument']): Promise<void> {
    this.pending?.cancel();
    const source = new CancellationTokenSource();
    this.pending = source;
    const { requestId, server, team, prompt, argument, value, context } = message;
    const params: McpCompleteParams = {
      server,
      ...(team ? { team: true } : {}),
      ref: { type: 'prompt', name: prompt },
      argument: { name: argument, value },
      ...(context && Object.keys(context).length > 0 ? { context } : {}),
    };
    let answer: ToWebviewMap['argumentSuggestions'] = { requestId, values: [], hasMore: false };
    try {
      const result = await this.complete(params, source.token);
      if (!source.token.isCancellationRequested) answer = { requestId, values: result.values, hasMore: result.hasMore };
    } catch {
      // A stopped, slow or failing server leaves the user typing as without suggestions (its errors show in the MCP server's log).
    } finally {
      if (this.pending === source) this.pending = undefined;
      source.dispose();
    }
    this.post({ type: 'argumentSuggestions', ...answer });
  }

  dispose(): void {
    this.pending?.cancel();
    this.pending = undefined;
  }
}
