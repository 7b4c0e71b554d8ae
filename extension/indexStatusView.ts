import type { IndexProgress, SemanticIndexProgress } from '../protocol/lspMethods';

/** What the status bar shows for both indexes together: one line, one tooltip, whether to warn. */
export interface IndexStatusView {
  text: string;
  tooltip: string;
  warning: boolean;
  /** False when both indexes are off: the item is hidden. */
  visible: boolean;
  /** Whether a build is running (the menu offers Pause). */
  busy: boolean;
}

/**
 * The status bar's view of Hearth's two indexes (a pure function, so the
 * wording is tested without VS Code): which one is working and how far,
 * failures and 'full-text only' as warnings, and the counts in the tooltip.
 */
export function indexStatusView(symbols: IndexProgress | undefined, semantic: SemanticIndexProgress | undefined): IndexStatusView {
  const symbolsLine = describeSymbols(symbols);
  const semanticLine = describeSemantic(semantic);
  const tooltip = [symbolsLine, semanticLine, 'Click for re-index, pause, settings and the log.'].join('\n');
  const symbolsBusy = symbols?.state === 'indexing';
  const semanticBusy = semantic?.phase === 'opening' || semantic?.phase === 'scanning' || semantic?.phase === 'indexing';
  const busy = symbolsBusy || semanticBusy;
  const off = (!symbols || symbols.state === 'off') && (!semantic || semantic.phase === 'off');
  if (symbolsBusy && symbols.total > 0) return { text: `$(sync~spin) Indexing symbols ${symbols.done}/${symbols.total}`, tooltip, warning: false, visible: true, busy };
  if (semantic?.phase === 'indexing' && semantic.total > 0) return { text: `$(sync~spin) Indexing codebase ${semantic.done}/${semantic.total}`, tooltip, warning: false, visible: true, busy };
  if (busy) return { text: '$(sync~spin) Indexing…', tooltip, warning: false, visible: true, busy };
  if (symbols?.state === 'error' || semantic?.phase === 'error') return { text: '$(warning) Hearth index failed', tooltip, warning: true, visible: true, busy };
  if (semantic?.phase === 'ready' && semantic.problem) return { text: '$(warning) Index: full-text only', tooltip, warning: true, visible: true, busy };
  if (symbols?.state === 'paused' || semantic?.phase === 'paused') return { text: '$(debug-pause) Indexing paused', tooltip, warning: false, visible: true, busy };
  return { text: '$(database) Indexed', tooltip, warning: false, visible: !off, busy };
}

function describeSymbols(p: IndexProgress | undefined): string {
  if (!p) return 'Symbols: starting.';
  switch (p.state) {
    case 'off':
      return 'Symbols: off (hearth.index.enabled).';
    case 'indexing':
      return `Symbols: checking ${p.done} of ${p.total} files (${p.reused} unchanged, ${p.parsed} parsed).`;
    case 'paused':
      return `Symbols: paused at ${p.done} of ${p.total} files; ${p.files} files indexed.`;
    case 'error':
      return `Symbols: ${p.message ?? 'indexing failed.'}`;
    case 'ready':
      return `Symbols: ${p.message ?? `${p.files} files indexed.`}`;
    default:
      return `Symbols: ${p.files} files indexed.`;
  }
}

function describeSemantic(p: SemanticIndexProgress | undefined): string {
  if (!p) return 'Codebase search: starting.';
  const mode = p.embeddingModel ? `embeddings from ${p.embeddingModel}` : 'no embedding model — full-text only';
  switch (p.phase) {
    case 'off':
      return 'Codebase search: off (hearth.codebaseSearch.enabled).';
    case 'opening':
    case 'scanning':
      return `Codebase search (${mode}): ${p.message ?? 'looking for changed files…'}`;
    case 'indexing':
      return `Codebase search (${mode}): ${p.done} of ${p.total} changed files indexed.`;
    case 'paused':
      return `Codebase search (${mode}): paused; search answers from what is indexed.`;
    case 'error':
      return `Codebase search: ${p.message ?? 'indexing failed.'}`;
    default:
      return `Codebase search (${mode}): ${p.problem ?? p.message ?? 'ready.'}`;
  }
}
