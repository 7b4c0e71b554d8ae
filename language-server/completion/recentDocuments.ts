import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ContextSnippet } from './buildCompletionPrompt';

/** The documents the server knows, as `TextDocuments` holds them. */
export interface DocumentSource {
  get(uri: string): TextDocument | undefined;
  all(): TextDocument[];
}

interface Activity {
  at: number;
  /** Where the user last asked for a suggestion: the part of the file they work on. */
  offset?: number;
}

const MAX_SNIPPETS = 3;
const SNIPPET_LINES = 30;

/** Language ids that share code with each other (a .tsx file imports .ts modules). */
function languageGroup(languageId: string): string {
  return languageId.replace(/react$/, '').replace(/^javascript$/, 'typescript');
}

/**
 * Remembers which open documents the user touched last and where, so a
 * suggestion can show the model code from the files the user is working on.
 * The text comes from the documents the client synchronised; only whether a
 * document may be shown is asked of the disk (`shareable`), while the
 * debounce runs, for at most the open documents of the same language.
 */
export class RecentDocuments {
  private readonly activity = new Map<string, Activity>();

  constructor(private readonly documents: DocumentSource, private readonly now: () => number = Date.now) {}

  touched(uri: string, offset?: number): void {
    const previous = this.activity.get(uri);
    this.activity.set(uri, { at: this.now(), offset: offset ?? previous?.offset });
  }

  forget(uri: string): void {
    this.activity.delete(uri);
  }

  /**
   * Snippets from other open documents of the same language, most recently
   * touched first, of those `shareable` allows (see shareableDocument.ts).
   */
  async snippetsFor(uri: string, languageId: string, toPath: (uri: string) => string, shareable: (uri: string) => Promise<boolean>): Promise<ContextSnippet[]> {
    const group = languageGroup(languageId);
    const candidates = this.documents
      .all()
      .filter((d) => d.uri !== uri && languageGroup(d.languageId) === group)
      .map((d) => ({ doc: d, activity: this.activity.get(d.uri) }))
      .sort((a, b) => (b.activity?.at ?? 0) - (a.activity?.at ?? 0));
    const snippets: ContextSnippet[] = [];
    for (const { doc, activity } of candidates) {
      if (snippets.length === MAX_SNIPPETS) break;
      if (await shareable(doc.uri)) snippets.push({ path: toPath(doc.uri), text: windowAround(doc, activity?.offset) });
    }
    return snippets;
  }
}

/** About SNIPPET_LINES lines around `offset` (the top of the file when the user never worked in it). */
function windowAround(doc: TextDocument, offset: number | undefined): string {
  const line = offset === undefined ? 0 : doc.positionAt(Math.min(offset, doc.getText().length)).line;
  const first = Math.max(0, line - Math.floor(SNIPPET_LINES / 2));
  const last = Math.min(doc.lineCount, first + SNIPPET_LINES);
  return doc.getText({ start: { line: first, character: 0 }, end: { line: last, character: 0 } });
}
