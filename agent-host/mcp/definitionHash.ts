import { createHash } from 'node:crypto';
import type { McpToolDefinitionSnapshot } from './mcpTypes';

/**
 * JSON with object keys sorted at every level, so two servers (or two runs of
 * one server) that declare the same thing in a different key order hash alike,
 * and any real change (a word of a description, a schema property) does not.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The hash an approval is tied to: the tool's definition exactly as the
 * server declared it and as Hearth presents it (name, description, input
 * schema, title, annotations, output schema). A server that rewrites any of
 * it after the user allowed the tool (tool poisoning) gets a new hash, and
 * the user is asked again. Fields a tool does not have are left out, so a
 * tool without a title or annotations hashes as it always did.
 */
export function definitionHash(snapshot: McpToolDefinitionSnapshot): string {
  return sha256Hex(
    canonicalJson({
      name: snapshot.name,
      description: snapshot.description,
      inputSchema: snapshot.inputSchema,
      title: snapshot.title,
      annotations: snapshot.annotations,
      outputSchema: snapshot.outputSchema,
    }),
  );
}
