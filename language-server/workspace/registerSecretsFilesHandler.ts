import { pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { HearthException } from '../../agent-host';
import { SecretsFilesRequest } from '../../protocol/lspMethods';
import type { DisabledFileMatcher } from '../completion/disabledFileMatcher';
import { guarded } from '../guarded';

/** More paths than this in one request is not a diff someone reads; it is refused rather than matched. */
const MAX_PATHS = 20_000;

export interface SecretsFilesDeps {
  /** The user's secrets files as the settings name them now (the list may have just changed). */
  secretsFiles(): Promise<DisabledFileMatcher>;
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
      const isSecret = await deps.secretsFiles();
      const roots = deps.roots();
      return { secrets: paths.map((p) => isSecret(pathToFileURL(p).href, roots)) };
    }),
  );
}
