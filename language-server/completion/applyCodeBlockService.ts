import type { TextDocument } from 'vscode-languageserver-textdocument';
import { HearthException } from '../../agent-host';
import type { ApplyCodeBlockParams, ApplyCodeBlockResult } from '../../protocol/lspMethods';
import { APPLY_SYSTEM_PROMPT, applyUserMessage, finishMergedFile } from './applyPrompts';
import { displayPath } from './displayPath';
import { linkedTargetRefusal } from './linkedTargetRefusal';
import type { EditActionService } from './editActionService';
import { extractCode } from './editPrompts';
import { mergeWholeDeclaration } from './mergeWholeDeclaration';

/**
 * The largest file the model merges: the prompt holds the file and the answer
 * repeats it, about 2 × 10 k tokens here, which fits the 32 k context
 * ModelRunPlanner caps at. Beyond it the user gets a clear refusal instead of a truncated file.
 */
export const MAX_APPLY_FILE_CHARS = 40_000;

export interface ApplyCodeBlockDeps {
  documents: { get(uri: string): TextDocument | undefined };
  /** The one owner of the model choice and the run plan for code-producing requests. */
  edits: Pick<EditActionService, 'ask'>;
  /** The workspace folders open now. */
  roots(): readonly string[];
}

/**
 * "Apply" on a chat code block: the whole new file for a block merged into
 * it. A block that is one whole declaration replacing its namesake is merged
 * here without a model; anything else is merged by the chat model. Nothing
 * here writes a file: the client shows the result as a diff to review.
 */
export class ApplyCodeBlockService {
  constructor(private readonly deps: ApplyCodeBlockDeps) {}

  async apply(params: ApplyCodeBlockParams, signal: AbortSignal): Promise<ApplyCodeBlockResult> {
    const doc = this.deps.documents.get(params.textDocument.uri);
    if (!doc) {
      throw new HearthException({ code: 'invalidRequest', message: 'Hearth does not have this file open. Open it in the editor and try again.', retryable: true });
    }
    const linked = await linkedTargetRefusal(doc.uri, this.deps.roots());
    if (linked) {
      throw new HearthException({
        code: 'invalidRequest',
        message: `Apply does not merge into ${displayPath(doc.uri, this.deps.roots())}: ${linked.replace(/\.$/, '')}. Open the file it leads to if you mean that file.`,
        retryable: false,
      });
    }
    if (params.code.trim() === '') {
      throw new HearthException({ code: 'invalidRequest', message: 'The code block is empty, so there is nothing to apply.', retryable: false });
    }
    const original = doc.getText();
    const version = doc.version;
    const base = { uri: doc.uri, version };
    if (original.trim() === '') return { ...base, newText: finishMergedFile(params.code, params.code), via: 'symbol' };
    const direct = mergeWholeDeclaration(original, params.code, doc.languageId);
    if (direct !== undefined) return { ...base, newText: direct, via: 'symbol' };
    if (original.length > MAX_APPLY_FILE_CHARS) {
      throw new HearthException({
        code: 'invalidRequest',
        message: `${displayPath(doc.uri, this.deps.roots())} is too large to merge with a local model (${Math.round(original.length / 1000)} k characters). Use Insert at the right place instead.`,
        retryable: false,
      });
    }
    const text = applyUserMessage({ path: displayPath(doc.uri, this.deps.roots()), languageId: doc.languageId, original, snippet: params.code });
    // A merge is mechanical: no reasoning wanted, so it runs as a utility request (think: false).
    const { answer, model } = await this.deps.edits.ask(APPLY_SYSTEM_PROMPT, text, params.model, 'utility', signal);
    const merged = extractCode(answer);
    if (merged.trim() === '') {
      throw new HearthException({ code: 'modelError', message: `${model} returned an empty file. Try again or pick another model.`, model, retryable: true });
    }
    return { ...base, newText: finishMergedFile(merged, original), via: 'model', model };
  }
}
