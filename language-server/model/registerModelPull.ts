import type { Connection } from 'vscode-languageserver/node';
import { HearthException } from '../../agent-host';
import { ModelPullProgressNotification, ModelPullRequest } from '../../protocol/lspMethods';
import { MODEL_NAME } from '../../protocol/modelName';
import { guarded, signalOf } from '../guarded';
import type { HearthServer } from '../hearthServer';


/** Progress lines about the same layer closer together than this are dropped: Ollama reports every few kilobytes. */
const PROGRESS_INTERVAL_MS = 200;

/**
 * hearth/models/pull: downloads a model into the local Ollama on the user's
 * request (a "Download" action), never on the model's. Progress goes out as
 * notifications, at most five a second per layer but every change of status.
 */
export function registerModelPull(connection: Connection, server: HearthServer): void {
  connection.onRequest(
    ModelPullRequest.type,
    guarded(async ({ model }, token) => {
      if (typeof model !== 'string' || model.length > 200 || !MODEL_NAME.test(model)) {
        throw new HearthException({ code: 'invalidRequest', message: `"${String(model).slice(0, 200)}" is not a model name.`, retryable: false });
      }
      const agent = await server.agents.refresh();
      if (!agent.pullModel) {
        throw new HearthException({ code: 'invalidRequest', message: "Hearth is using a team server: its admin installs the team's models.", retryable: false });
      }
      let last = { status: '', at: 0 };
      await agent.pullModel(
        model,
        (p) => {
          const now = Date.now();
          const done = p.total !== undefined && p.completed === p.total;
          if (p.status === last.status && now - last.at < PROGRESS_INTERVAL_MS && !done) return;
          last = { status: p.status, at: now };
          void connection.sendNotification(ModelPullProgressNotification.type, { model, ...p });
        },
        signalOf(token),
      );
      return { model };
    }),
  );
}
