import { routeLabel } from '../../protocol/agents';
import { inertInlineMarkdown, inertMarkdown as inert } from '../../protocol/inertMarkdown';
import { fenceFor } from '../../protocol/markdownFence';
import type { AssistantPart, SessionView } from '../../protocol/sessions';

/**
 * Inert text for a line of its own (a heading, a summary, a list item): its
 * line breaks become spaces. A fence on a line after `<details><summary>`
 * would otherwise be raw HTML to a renderer (an HTML block runs to the next
 * blank line) while inertMarkdown took it for code and left it as written.
 * The line follows a prefix (`# `, `> `, a summary tag), so a fence at its
 * start is no fence either: all of it is made inert.
 */
function inertOneLine(text: string): string {
  return inertInlineMarkdown(text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' '));
}

/** `text` as a code block it cannot close; the language tag is kept to a plain word. */
function fence(text: string, lang = ''): string {
  const ticks = fenceFor(text);
  return `${ticks}${/^[\w+#.-]*$/.test(lang) ? lang : ''}\n${text}\n${ticks}`;
}

function partsMarkdown(parts: AssistantPart[], lines: string[]): void {
  for (const part of parts) {
    if (part.kind === 'text') lines.push(inert(part.text), '');
    else if (part.kind === 'status') lines.push(`> ${inertOneLine(part.message)}`, '');
    else if (part.kind === 'thinking') lines.push('<details><summary>Reasoning</summary>', '', inert(part.text), '', '</details>', '');
    else if (part.kind === 'subagent') {
      const outcome = part.outcome;
      lines.push(`<details><summary>Sub-agent: ${inertOneLine(`${part.agent.role} (${part.agent.model}) — ${outcome?.reason ?? 'not finished'}`)}</summary>`, '', 'Task:', '', inert(part.agent.task), '');
      partsMarkdown(part.parts, lines);
      if (outcome) lines.push(inert(outcome.summary), '');
      lines.push('</details>', '');
    } else {
      const result = part.result;
      const status = !result ? 'not finished' : result.isError ? 'error' : (result.summary ?? 'done');
      lines.push(inertOneLine(`**Tool \`${part.call.name}\`** — ${status}`), '', fence(JSON.stringify(part.call.arguments, null, 2), 'json'), '');
      if (result) lines.push('<details><summary>Result</summary>', '', fence(result.content), '', '</details>', '');
    }
  }
}

/**
 * A session as Markdown: the messages, attached context, and each tool call
 * with its result. What the model, a tool or a page wrote is made inert
 * (protocol/inertMarkdown.ts), so previewing the export loads nothing from
 * the network; tool arguments, results and context are fenced.
 */
export function sessionMarkdown(session: SessionView): string {
  const lines: string[] = [`# ${inertOneLine(session.summary.title)}`, '', inertOneLine(`_Exported from Hearth · ${new Date(session.summary.createdAt).toISOString()}${session.summary.model ? ` · ${session.summary.model}` : ''}_`), ''];
  for (const entry of session.entries) {
    if (entry.kind === 'user') {
      lines.push('## You', '', inert(entry.text), '');
      for (const item of entry.context) {
        const where = item.range ? `${item.path}:${item.range.startLine}-${item.range.endLine}` : item.path;
        lines.push(`<details><summary>Context: ${inertOneLine(where)}</summary>`, '', fence(item.text ?? '', item.languageId ?? ''), '', '</details>', '');
      }
      // Images are named, not embedded: an export stays a readable text file.
      for (const image of entry.images ?? []) lines.push(`_Image: ${image.name.replace(/[\\`*_[\]<>]/g, '\\$&')} (${image.mimeType})_`, '');
      continue;
    }
    lines.push(inertOneLine(`## Hearth (${entry.route ? `@${entry.route.agent} · ${routeLabel(entry.route)} · ` : ''}${entry.model})`), '');
    if (entry.todos?.length) lines.push('Plan:', '', ...entry.todos.map((t) => `- [${t.status === 'done' ? 'x' : ' '}] ${inertOneLine(t.text)}${t.status === 'inProgress' ? ' (in progress)' : ''}`), '');
    partsMarkdown(entry.parts, lines);
    if (entry.error) lines.push(`> **Error:** ${inertOneLine(entry.error.message)}`, '');
    if (entry.state === 'interrupted') lines.push('> _This reply was interrupted._', '');
  }
  return lines.join('\n');
}
