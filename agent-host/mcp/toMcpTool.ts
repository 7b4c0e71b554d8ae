import { revealHidden, revealHiddenInLine } from '../../protocol/hiddenCharacters';
import type { JsonSchema } from '../../protocol/tools';
import { definitionHash } from './definitionHash';
import type { McpTool, McpToolDefinitionSnapshot } from './mcpTypes';
import { namespacedToolName } from './namespaceToolName';

/** What `tools/list` returns for one tool (the fields Hearth reads). */
export interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: unknown;
  outputSchema?: unknown;
  execution?: { taskSupport?: string };
}

/** Long descriptions cost context on every step and are where poisoned instructions hide; the model gets a bounded one. */
const MAX_DESCRIPTION_CHARS = 1500;
const MAX_PROPERTY_DESCRIPTION_CHARS = 400;
/** A tool's or server's own name, quoted in the description: names are not bounded by the protocol. */
const MAX_NAME_CHARS = 200;
/** The team server's protocol accepts schemas 12 levels deep; deeper parts accept any value (the MCP server still validates). */
const MAX_SCHEMA_DEPTH = 8;
const SCHEMA_TYPES = new Set(['object', 'string', 'number', 'integer', 'boolean', 'array', 'null']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `text` as the model reads it: hidden characters shown as ⟨U+XXXX⟩ (as the
 * approval card shows them), at most `max` characters. Tag characters can
 * carry whole sentences the user never sees, such as an instruction to read
 * a key and pass it on, and a model reads them. The text is cut before it is
 * revealed, so a description made of hidden characters cannot first grow
 * twelvefold. A name (`oneLine`) shows its line breaks and tabs too.
 */
function shownText(text: string, max: number, oneLine = false): string {
  const cut = text.slice(0, max + 1);
  return clip((oneLine ? revealHiddenInLine(cut) : revealHidden(cut)).text, max);
}

/**
 * Reduces an arbitrary JSON Schema to the subset the agent core validates and
 * the team server's protocol carries (protocol/tools.ts JsonSchema). Anything
 * the subset cannot express (`anyOf`, type lists, formats) is dropped, which
 * only loosens the check: the MCP server validates its own arguments anyway.
 */
export function toSchemaSubset(schema: unknown, depth = 0): JsonSchema {
  if (!isRecord(schema) || depth > MAX_SCHEMA_DEPTH) return {};
  const out: JsonSchema = {};
  if (typeof schema.type === 'string' && SCHEMA_TYPES.has(schema.type)) out.type = schema.type as JsonSchema['type'];
  const notes: string[] = [];
  if (typeof schema.description === 'string' && schema.description !== '') notes.push(schema.description);
  if (schema.default !== undefined) {
    const shown = JSON.stringify(schema.default);
    if (shown !== undefined && shown.length <= 80) notes.push(`Default: ${shown}.`);
  }
  if (notes.length > 0) out.description = shownText(notes.join(' '), MAX_PROPERTY_DESCRIPTION_CHARS);
  if (isRecord(schema.properties)) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([key, sub]) => [key, toSchemaSubset(sub, depth + 1)]));
  }
  if (Array.isArray(schema.required) && schema.required.every((r) => typeof r === 'string')) out.required = [...schema.required];
  if (isRecord(schema.items)) out.items = toSchemaSubset(schema.items, depth + 1);
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((e) => typeof e === 'string' || typeof e === 'number')) {
    out.enum = [...schema.enum];
  }
  if (typeof schema.minimum === 'number') out.minimum = schema.minimum;
  if (typeof schema.maximum === 'number') out.maximum = schema.maximum;
  if (typeof schema.additionalProperties === 'boolean') out.additionalProperties = schema.additionalProperties;
  return out;
}

/**
 * A listed tool as Hearth offers it: namespaced, with a bounded description
 * that names its server, the schema subset for validation, and the hash of
 * the definition exactly as declared (what approvals are tied to).
 * MCP tools are never `readOnly`: annotations like `readOnlyHint` are the
 * server's own claim, and approval must not depend on it.
 */
export function toMcpTool(server: string, slug: string, tool: ListedTool, taken: ReadonlySet<string>): McpTool {
  const snapshot: McpToolDefinitionSnapshot = {
    name: tool.name,
    description: typeof tool.description === 'string' ? tool.description : '',
    inputSchema: isRecord(tool.inputSchema) ? tool.inputSchema : { type: 'object' },
  };
  // Pinned with the rest: a title stands in for an empty description, and annotations are shown with the approval.
  if (typeof tool.title === 'string') snapshot.title = tool.title;
  if (isRecord(tool.annotations)) snapshot.annotations = tool.annotations;
  if (isRecord(tool.outputSchema)) snapshot.outputSchema = tool.outputSchema;
  const name = namespacedToolName(slug, tool.name, taken);
  const parameters = toSchemaSubset(snapshot.inputSchema);
  const about = snapshot.description || tool.title || tool.name;
  return {
    name,
    server,
    toolName: tool.name,
    title: typeof tool.title === 'string' ? tool.title : undefined,
    definition: {
      name,
      description: `${shownText(about, MAX_DESCRIPTION_CHARS)} (tool "${shownText(tool.name, MAX_NAME_CHARS, true)}" of the MCP server "${shownText(server, MAX_NAME_CHARS, true)}")`,
      parameters: { ...parameters, type: 'object', properties: parameters.properties ?? {} },
      readOnly: false,
    },
    snapshot,
    hash: definitionHash(snapshot),
  };
}
