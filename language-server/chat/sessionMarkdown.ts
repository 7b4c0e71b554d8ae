import { routeLabel } from '../../protocol/agents';
import type { AssistantPart, SessionView } from '../../protocol/sessions';

function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

function partsMarkdown(parts: AssistantPart[], lines: string[]): void {
  for (const part of parts) {
    if (part.kind === 'text') lines.push(part.text, '');
    else if (part.kind === 'status') lines.push(`> ${part.message}`, '');
    else if (part.kind === 'thinking') lines.push('<details><summary>Reasoning</summary>', '', part.text, '', '</details>', '');
    else if (part.kind === 'subagent') {
      const outcome = part.outcome;
      lines.push(`<details><summary>Sub-agent: ${part.agent.role} (${part.agent.model}) — ${outcome?.reason ?? 'not finished'}</summary>`, '', `Task: ${part.agent.task}`, '');
      partsMarkdown(part.parts, lines);
      if (outcome) lines.push(outcome.summary, '');
      lines.push('</details>', '');
    } else {
      const result = part.result;
      const status = !result ? 'not finished' : result.isError ? 'error' : (result.summary ?? 'done');
      lines.push(`**Tool \`${part.call.name}\`** — ${status}`, '', fence(JSON.stringify(part.call.arguments, null, 2), 'json'), '');
      if (result) lines.push('<details><summary>Result</summary>', '', fence(result.content), '', '</details>', '');
    }
  }
}

/** A session as Markdown: the messages, attached context, and each tool call with its result. */
export function sessionMarkdown(session: SessionView): string {
  const lines: string[] = [`# ${session.summary.title}`, '', `_Exported from Hearth · ${new Date(session.summary.createdAt).toISOString()}${session.summary.model ? ` · ${session.summary.model}` : ''}_`, ''];
  for (const entry of session.entries) {
    if (entry.kind === 'user') {
      lines.push('## You', '', entry.text, '');
      for (const item of entry.context) {
        const where = item.range ? `${item.path}:${item.range.startLine}-${item.range.endLine}` : item.path;
        lines.push(`<details><summary>Context: ${where}</summary>`, '', fence(item.text ?? '', item.languageId ?? ''), '', '</details>', '');
      }
      // Images are named, not embedded: an export stays a readable text file.
      for (const image of entry.images ?? []) lines.push(`_Image: ${image.name.replace(/[\\`*_[\]<>]/g, '\\$&')} (${image.mimeType})_`, '');
      continue;
    }
    lines.push(`## Hearth (${entry.route ? `@${entry.route.agent} · ${routeLabel(entry.route)} · ` : ''}${entry.model})`, '');
    if (entry.todos?.length) lines.push('Plan:', '', ...entry.todos.map((t) => `- [${t.status === 'done' ? 'x' : ' '}] ${t.text}${t.status === 'inProgress' ? ' (in progress)' : ''}`), '');
    partsMarkdown(entry.parts, lines);
    if (entry.error) lines.push(`> **Error:** ${entry.error.message}`, '');
    if (entry.state === 'interrupted') lines.push('> _This reply was interrupted._', '');
  }
  return lines.join('\n');
}
