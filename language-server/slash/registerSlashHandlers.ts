import type { Connection } from 'vscode-languageserver/node';
import { ChatCommandRequest, SlashCommandsRequest } from '../../protocol/lspMethods';
import { guarded } from '../guarded';
import type { SlashCommandService } from './slashCommandService';

/** `hearth/slash/list` (the `/` completion) and `hearth/chat/command` (a message that starts with a command). */
export function registerSlashHandlers(connection: Connection, slash: SlashCommandService): void {
  connection.onRequest(SlashCommandsRequest.type, guarded(({ query }) => slash.list(query)));
  connection.onRequest(ChatCommandRequest.type, guarded((params) => slash.run(params)));
}
