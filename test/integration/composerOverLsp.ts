/**
 * The chat view in jsdom with its questions passed on as the extension passes
 * them: the `/` list to `hearth/slash/list` and argument questions through
 * PromptArgumentSuggestions to `hearth/mcp/complete`, on a real language
 * server's connection. For tests of the composer's argument suggestions
 * end to end, in local and in remote mode.
 */
import type { ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { PromptArgumentSuggestions } from '../../extension/mcp/promptArgumentSuggestions';
import { McpCompleteRequest, SlashCommandsRequest } from '../../protocol/lspMethods';
import type { FromWebview } from '../../protocol/webviewMessages';
import { createHarness, type Harness } from '../unit/webviewTestHarness';

export interface ComposerOverLsp {
  h: Harness;
  composer: HTMLTextAreaElement;
  /** A condition for `until`: the argument list is open and offers exactly `values`, in order. */
  showing(values: string[]): () => boolean;
  dispose(): void;
}

export function composerOverLsp(connection: ProtocolConnection): ComposerOverLsp {
  const h = createHarness();
  const suggestions = new PromptArgumentSuggestions((params, token) => connection.sendRequest(McpCompleteRequest.type, params, token), (m) => h.send(m));
  const record = h.api.postMessage.bind(h.api);
  h.api.postMessage = (m: FromWebview) => {
    record(m);
    if (m.type === 'findCommands') {
      void connection.sendRequest(SlashCommandsRequest.type, { query: m.query }).then((r) => h.send({ type: 'commands', requestId: m.requestId, commands: r.commands }));
    } else if (m.type === 'completeArgument') void suggestions.ask(m);
  };
  const options = () => h.$$('argument-suggestion').map((o) => o.getAttribute('data-value'));
  return {
    h,
    composer: h.$('composer') as HTMLTextAreaElement,
    showing: (values) => () => h.$('argument-popup')?.hidden === false && JSON.stringify(options()) === JSON.stringify(values),
    dispose: () => {
      suggestions.dispose();
      h.dispose();
    },
  };
}
