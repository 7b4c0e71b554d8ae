import { StringDecoder } from 'node:string_decoder';
import type { Connection } from 'vscode-languageserver/node';
import { CommandActivityNotification, type CommandActivity, type TurnRef } from '../../protocol/lspMethods';
import type { CommandObserver } from '../tools';

/** Output is sent at most this often per command: a chatty build must not flood the editor with notifications. */
const FLUSH_MS = 40;
/** What one command may show in the terminal; the model still gets its own capped copy of everything. */
const MAX_SHOWN_CHARS = 2_000_000;

interface Running {
  decoder: StringDecoder;
  pending: string;
  shown: number;
  timer?: NodeJS.Timeout;
  cut: boolean;
}

/**
 * Copies what the agent's commands print to the editor, where the "Hearth
 * Agent" terminal shows it. One way only: nothing comes back from the
 * terminal to the process, and a failure to send never affects the command.
 * Output is decoded per command with a streaming decoder, so a character
 * split across two chunks is not broken.
 */
export function lspCommandObserver(connection: Connection, turn: TurnRef): CommandObserver {
  const running = new Map<string, Running>();
  const send = (activity: CommandActivity) => {
    connection.sendNotification(CommandActivityNotification.type, activity).catch(() => undefined);
  };
  const flush = (callId: string, state: Running) => {
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    if (state.pending === '') return;
    send({ kind: 'output', callId, text: state.pending });
    state.pending = '';
  };
  return {
    started(callId, command, cwd) {
      running.set(callId, { decoder: new StringDecoder('utf8'), pending: '', shown: 0, cut: false });
      send({ kind: 'start', ...turn, callId, command, cwd });
    },
    output(callId, chunk) {
      const state = running.get(callId);
      if (!state || state.cut) return;
      let text = state.decoder.write(chunk);
      if (state.shown + text.length > MAX_SHOWN_CHARS) {
        text = `${text.slice(0, Math.max(0, MAX_SHOWN_CHARS - state.shown))}\n[Hearth: the rest of this command's output is not shown here.]\n`;
        state.cut = true;
      }
      state.shown += text.length;
      state.pending += text;
      state.timer ??= setTimeout(() => flush(callId, state), FLUSH_MS);
    },
    ended(callId, end) {
      const state = running.get(callId);
      if (state) {
        if (!state.cut) state.pending += state.decoder.end();
        flush(callId, state);
        running.delete(callId);
      }
      send({ kind: 'end', callId, ...end });
    },
  };
}
