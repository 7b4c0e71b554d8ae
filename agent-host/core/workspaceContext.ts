import type { WorkspaceContextSection } from '../../protocol/chat';
import { estimateTokens } from './tokenEstimate';

/**
 * The share of the context window that workspace context (the repository
 * map, project memory) may take: an eighth of num_ctx, at most 3000 tokens.
 * Small local models get a small map and keep their room for the
 * conversation; the map is a guide to the code, not the code.
 */
export function workspaceContextBudget(numCtx: number): number {
  return Math.min(Math.floor(numCtx / 8), 3000);
}

/**
 * The sections as one block of the system prompt, in order, each cut to
 * what is left of `budgetTokens` (and to its own `maxTokens`) by dropping
 * whole lines from its end, with a note saying how many were left out.
 * Undefined when nothing fits or there is nothing to add.
 */
export function renderWorkspaceContext(sections: readonly WorkspaceContextSection[] | undefined, budgetTokens: number): string | undefined {
  if (!sections || sections.length === 0) return undefined;
  const parts: string[] = [];
  let left = budgetTokens;
  for (const section of sections) {
    const text = section.text.trim();
    if (text === '') continue;
    const allowed = Math.min(left, section.maxTokens ?? Number.POSITIVE_INFINITY);
    const rendered = fitSection(section.title, text, allowed);
    if (!rendered) continue;
    parts.push(rendered);
    left -= estimateTokens(rendered) + 2;
  }
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

function fitSection(title: string, text: string, allowed: number): string | undefined {
  const heading = `## ${title}`;
  const whole = `${heading}\n${text}`;
  if (estimateTokens(whole) <= allowed) return whole;
  const lines = text.split('\n');
  // Drop whole lines from the end until the rest and the note fit; estimate once per line, not per attempt.
  const costs = lines.map((l) => estimateTokens(l) + 1);
  let total = estimateTokens(heading) + 1 + costs.reduce((a, b) => a + b, 0);
  let kept = lines.length;
  const note = (omitted: number) => `[… ${omitted} more line${omitted === 1 ? '' : 's'} left out to fit the context window]`;
  while (kept > 0 && total + estimateTokens(note(lines.length - kept)) + 1 > allowed) total -= costs[--kept];
  if (kept === 0) return undefined;
  return `${heading}\n${lines.slice(0, kept).join('\n')}\n${note(lines.length - kept)}`;
}
