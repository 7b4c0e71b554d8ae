/**
 * `hearth/draftImages/save` and `/load`: the images of the composer's unsent
 * draft, kept in the image store so the webview's state holds only their
 * references. Input is checked as strictly as a sent message's images.
 */
import type { Connection } from 'vscode-languageserver/node';
import { DraftImagesLoadRequest, DraftImagesSaveRequest } from '../../protocol/lspMethods';
import { MAX_IMAGES_PER_MESSAGE, imagesProblem, isImageRef } from '../../protocol/chatImages';
import { HearthException } from '../../agent-host';
import { guarded } from '../guarded';
import type { DraftImages } from './draftImages';

const invalid = (message: string) => new HearthException({ code: 'invalidRequest', message, retryable: false });

export function registerDraftImageHandlers(connection: Connection, drafts: DraftImages): void {
  connection.onRequest(
    DraftImagesSaveRequest.type,
    guarded((p) => {
      if (typeof p.draftId !== 'string' || !/^[0-9a-f-]{36}$/.test(p.draftId)) throw invalid('draftId must be a UUID.');
      if (!Array.isArray(p.keep) || !p.keep.every(isImageRef)) throw invalid('keep must be a list of image references.');
      const problem = imagesProblem(p.add);
      if (problem) throw invalid(problem);
      if (p.keep.length + p.add.length > MAX_IMAGES_PER_MESSAGE) throw invalid(`A message can carry at most ${MAX_IMAGES_PER_MESSAGE} images.`);
      return { refs: drafts.save(p.draftId, p.keep, p.add) };
    }),
  );
  connection.onRequest(
    DraftImagesLoadRequest.type,
    guarded((p) => {
      if (!Array.isArray(p.refs) || p.refs.length > MAX_IMAGES_PER_MESSAGE) throw invalid(`refs must be a list of at most ${MAX_IMAGES_PER_MESSAGE} image references.`);
      return drafts.load(p.refs);
    }),
  );
}
