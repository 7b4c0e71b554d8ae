import type { McpCallOutcome } from './mcpTypes';

/** Default cap on what one call returns to the model, like the built-in tools' output cap. */
export const DEFAULT_MAX_RESULT_CHARS = 30_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Size of base64 data in bytes, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/**
 * One content block as text. Text is passed through as data; everything else
 * (images, audio, binary resources) is summarized in one line, because the
 * model reads text only and base64 would only burn its context.
 */
export function formatContentBlock(block: unknown): string {
  if (!isRecord(block)) return '[content Hearth cannot read]';
  switch (block.type) {
    case 'text':
      return str(block.text);
    case 'image':
    case 'audio':
      return `[${block.type} ${str(block.mimeType) || 'of unknown type'}, ${base64Bytes(str(block.data))} bytes, not shown]`;
    case 'resource': {
      const resource = isRecord(block.resource) ? block.resource : {};
      const uri = str(resource.uri);
      if (typeof resource.text === 'string') return `[resource ${uri}]\n${resource.text}`;
      return `[resource ${uri}: ${str(resource.mimeType) || 'binary'}, ${base64Bytes(str(resource.blob))} bytes, not shown]`;
    }
    case 'resource_link':
      return `[resource link: ${str(block.name) || str(block.uri)} <${str(block.uri)}>${block.description ? ` ${str(block.description)}` : ''}]`;
    default:
      return `[${typeof block.type === 'string' ? block.type : 'unknown'} content, not shown]`;
  }
}

function cap(text: string, maxChars: number): { text: string; cut: boolean } {
  if (text.length <= maxChars) return { text, cut: false };
  const omitted = text.length - maxChars;
  return { text: `${text.slice(0, maxChars)}\n… [${omitted} more characters cut; ask for less, for example a narrower query or a range]`, cut: true };
}

/**
 * A `tools/call` result as the text the model reads: content blocks joined,
 * structured content as JSON when there is no text, capped in size. It is
 * only ever data for the model; nothing in it is interpreted or run.
 */
export function formatToolResult(toolName: string, result: unknown, maxChars = DEFAULT_MAX_RESULT_CHARS): McpCallOutcome {
  const record = isRecord(result) ? result : {};
  const isError = record.isError === true;
  const blocks = Array.isArray(record.content) ? record.content : [];
  let text = blocks.map(formatContentBlock).join('\n');
  if (text.trim() === '' && record.structuredContent !== undefined) text = JSON.stringify(record.structuredContent, null, 2);
  if (text.trim() === '' && record.toolResult !== undefined) text = JSON.stringify(record.toolResult, null, 2);
  if (text.trim() === '') text = isError ? `${toolName} failed without saying why.` : `${toolName} returned no content.`;
  const capped = cap(text, maxChars);
  const nonText = blocks.filter((b) => isRecord(b) && b.type !== 'text').length;
  const parts = [isError ? 'error' : 'ok', `${text.length} chars`];
  if (nonText > 0) parts.push(`${nonText} non-text block${nonText === 1 ? '' : 's'}`);
  if (capped.cut) parts.push('cut');
  return { content: capped.text, isError, summary: parts.join(', ') };
}
