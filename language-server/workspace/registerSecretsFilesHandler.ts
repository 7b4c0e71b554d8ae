import { pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { HearthException } from '../../agent-host';
import { SecretsFilesRequest, type HearthSettings } from '../../protocol/lspMethods';
import { completionSettingsOf } from '../completion/completionSettingsOf';
import { disabledFileMatcher } from '../completion/disabledFileMatcher';
import { guarded } from '../guarded';

/** More paths than this in one request is not a diff someone reads; it is refused rather than matched. */
const MAX_PATHS = 20_000;

export interface SecretsFilesDeps {
  /** The settings as they are now (the user's disabledFiles may have just changed). */
  settings(): Promise<HearthSettings>;
  /** The workspace folders open now: patterns are matched relative to the one holding a file. */
  roots(): readonly string[];
}

/** `hearth/files/secrets`: which files the user's secrets patterns name (see SecretsFilesRequest). */
export function registerSecretsFilesHandler(connection: Connection, deps: SecretsFilesDeps): void {
  connection.onRequest(
    SecretsFilesRequest.type,
    guarded(async (params) => {
      const paths: unknown = params?.paths;
      if (!Array.isArray(paths) || paths.length > MAX_PATHS || !paths.every((p): p is string => typeof p === 'string')) {
        throw new HearthException({ code: 'invalidRequest', message: `hearth/files/secrets takes at most ${MAX_PATHS} absolute paths.`, retryable: false });
      }
      const isSecret = disabledFileMatcher(completionSettingsOf(await deps.settings()).disabledFiles);
      const roots = deps.roots();
      return { secrets: paths.map((p) => isSecret(pathToFileURL(p).href, roots)) };
    }),
  );
}
