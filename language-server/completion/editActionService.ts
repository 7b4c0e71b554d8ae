import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { HearthException, PARTIAL_ANSWER_KEPT, type Agent } from '../../agent-host';
import type { HearthError } from '../../protocol/chat';
import type { CommitMessageParams, CommitMessageResult, EditGenerateParams, EditGenerateResult, HearthSettings } from '../../protocol/lspMethods';
import { resolveModel } from '../chat/resolveModel';
import type { ActionKind, ActionRole } from '../agents/actionRole';
import type { RequestPath, RunPlan } from '../model/modelRunPlanner';
import { displayPath } from './displayPath';
import { planTestFile, type TestFilePlan } from './testFileConventions';
import { readTestFile } from './readTestFile';
import { cleanCommitMessage, COMMIT_SYSTEM_PROMPT, commitUserMessage, CONTEXT_LINES, editSystemPrompt, editUserMessage, extractCode, matchIndentation } from './editPrompts';

/** The end of an existing test file shown to the model, so it sees the style and what is tested already. */
const MAX_EXISTING_TEST_BYTES = 30_000;

export interface EditActionDeps {
  documents: { get(uri: string): TextDocument | undefined };
  agent(): Promise<Agent>;
  settings(): Promise<HearthSettings>;
  /** The workspace folders open now. */
  roots(): readonly string[];
  /** num_ctx and think for a request (ModelRunPlanner); absent in tests that drive the service alone. */
  plan?(agent: Agent, model: string, path: RequestPath, settings: HearthSettings, signal: AbortSignal): Promise<RunPlan>;
  /** The role an edit action runs as, with its model (agents/actionRole.ts); absent: the chat's model. */
  role?(kind: ActionKind, settings: HearthSettings, agent: Agent, chatModel: string, signal: AbortSignal): Promise<ActionRole>;
}

/**
 * The model side of the editor actions that change code (fix, document,
 * refactor, write tests) and of the commit message. It only produces text:
 * the client shows it as a diff the user accepts or rejects, so nothing here
 * touches a file. The code comes from the synchronised document, never from disk.
 */
export class EditActionService {
  constructor(private readonly deps: EditActionDeps) {}

  async generateEdit(params: EditGenerateParams, signal: AbortSignal): Promise<EditGenerateResult> {
    const doc = this.deps.documents.get(params.textDocument.uri);
    if (!doc) {
      throw new HearthException({ code: 'invalidRequest', message: 'Hearth does not have this document open. Open it in the editor and try again.', retryable: true });
    }
    const range = params.range;
    const code = doc.getText(range);
    if (code.trim() === '') {
      throw new HearthException({ code: 'invalidRequest', message: 'There is no code in the selected range. Select the code and try again.', retryable: false });
    }
    const firstContext = Math.max(0, range.start.line - CONTEXT_LINES);
    const before = doc.getText({ start: { line: firstContext, character: 0 }, end: range.start });
    const after = doc.getText({ start: range.end, end: { line: range.end.line + CONTEXT_LINES, character: 0 } });
    const testFile = params.kind === 'tests' ? await this.planTests(doc.uri) : undefined;
    const text = editUserMessage({
      kind: params.kind,
      path: displayPath(doc.uri, this.deps.roots()),
      languageId: doc.languageId,
      before,
      code,
      after,
      firstLine: range.start.line + 1,
      instruction: params.instruction,
      diagnostics: params.diagnostics,
      ...(testFile ? { testFile: { relativePath: testFile.plan.relativePath, framework: testFile.plan.framework, importPath: testFile.plan.importPath, existing: testFile.existing } } : {}),
    });
    // Edits follow the user's chat think setting: reasoning can pay off on a fix or a refactor.
    // The action runs as its role (Write Tests as the tester…): the role's model unless the request names one, and the user's own instructions for it.
    const role = params.model ? undefined : await this.roleFor(params.kind, signal);
    const system = role?.prompt ? `${editSystemPrompt(params.kind)}\n\n${role.prompt}` : editSystemPrompt(params.kind);
    const { answer, model } = await this.ask(system, text, params.model ?? role?.model, 'chat', signal);
    const extracted = extractCode(answer);
    const newText = params.kind === 'tests' ? extracted : matchIndentation(extracted, code);
    if (!testFile) return { uri: doc.uri, range, newText, model, ...(role ? { agent: role.role } : {}) };
    const { plan } = testFile;
    return {
      uri: doc.uri,
      range,
      newText,
      model,
      ...(role ? { agent: role.role } : {}),
      testFile: { uri: pathToFileURL(plan.absolutePath).toString(), relativePath: plan.relativePath, exists: plan.exists, ...(plan.framework ? { framework: plan.framework } : {}) },
    };
  }

  /** The action's role; a failure leaves the action on the chat's model, as before roles. Public so a review runs as its role the same way. */
  async roleFor(kind: ActionKind, signal: AbortSignal): Promise<ActionRole | undefined> {
    if (!this.deps.role) return undefined;
    try {
      const settings = await this.deps.settings();
      const agent = await this.deps.agent();
      const chatModel = await resolveModel(agent, settings.chat.model, signal);
      return await this.deps.role(kind, settings, agent, chatModel, signal);
    } catch {
      return undefined;
    }
  }

  /**
   * Where the tests of a saved file go, and what that file holds already (shown to the model so it only adds),
   * refused when that place is not one the agent could write (see readTestFile.ts).
   */
  private async planTests(uri: string): Promise<{ plan: TestFilePlan; existing?: string } | undefined> {
    if (!uri.startsWith('file:')) return undefined;
    const plan = await planTestFile(fileURLToPath(uri), this.deps.roots());
    const existing = await readTestFile(plan.absolutePath, plan.relativePath, this.deps.roots(), MAX_EXISTING_TEST_BYTES);
    return existing === undefined ? { plan } : { plan, existing };
  }

  async commitMessage(params: CommitMessageParams, signal: AbortSignal): Promise<CommitMessageResult> {
    if (params.diff.trim() === '') {
      throw new HearthException({ code: 'invalidRequest', message: 'Nothing is staged. Stage the changes to describe (git add), then try again.', retryable: false });
    }
    // A commit message is a short utility prompt: never wait for reasoning (think: false).
    const { answer, model } = await this.ask(COMMIT_SYSTEM_PROMPT, commitUserMessage(params.diff), params.model, 'utility', signal);
    const message = cleanCommitMessage(answer);
    if (!message) throw new HearthException({ code: 'modelError', message: `${model} returned an empty commit message. Try again or pick another model.`, model, retryable: true });
    return { message, model };
  }

  /**
   * One plain-chat turn (no tools) with the chat model; the answer text, or the
   * turn's error as an exception. Public so the other code-producing requests
   * (Apply from the chat) share this one owner of the model choice and run plan.
   */
  async ask(systemPrompt: string, text: string, requested: string | undefined, path: RequestPath, signal: AbortSignal): Promise<{ answer: string; model: string }> {
    const settings = await this.deps.settings();
    const agent = await this.deps.agent();
    const model = await resolveModel(agent, requested ?? settings.chat.model, signal);
    const plan = await this.deps.plan?.(agent, model, path, settings, signal).catch(() => undefined);
    let answer = '';
    const options = { model, systemPrompt, temperature: 0.2, maxSteps: 1, numCtx: plan?.numCtx, think: plan?.think };
    for await (const event of agent.startTurn([], { text, context: [] }, options, signal)) {
      if (event.type === 'text') answer += event.delta;
      else if (event.type === 'error') throw new HearthException(forAction(event.error));
      else if (event.type === 'done' && event.reason === 'cancelled') {
        throw new HearthException({ code: 'cancelled', message: 'The request was cancelled.', model, retryable: true });
      } else if (event.type === 'done' && event.reason === 'length') {
        // A cut-off answer is half a function, half a commit message or half the review's JSON: offering it as the change would invite accepting broken code.
        throw new HearthException({
          code: 'modelError',
          message: `${model}'s answer reached the model's length limit and was cut off before it finished, so Hearth did not use it. Try again with less code, or pick a model with a larger context window.`,
          model,
          retryable: true,
        });
      }
    }
    return { answer, model };
  }
}

/**
 * A turn's error as an editor action says it: the action uses nothing of an
 * answer that failed half-way (there is no partial answer kept, and no Retry
 * button), so the chat's sentence about both is replaced.
 */
function forAction(error: HearthError): HearthError {
  if (error.code !== 'connectionDropped' || !error.message.includes(PARTIAL_ANSWER_KEPT)) return error;
  return { ...error, message: error.message.replace(PARTIAL_ANSWER_KEPT, 'Nothing of the answer was used; run the action again.') };
}
