/**
 * An agent file: Markdown with YAML-style front matter, the same shape as
 * Claude's sub-agent files (`.claude/agents/*.md`) and Copilot's
 * `*.agent.md`, so people can reuse what they have:
 *
 *   ---
 *   name: tester
 *   description: Writes and runs unit tests
 *   model: qwen2.5-coder:7b
 *   tools: Read, Grep, Glob, Edit, Bash      (or a [list], or "- item" lines)
 *   keywords: test, tests, coverage          (Hearth's: automatic routing)
 *   ---
 *   You write focused unit tests …           (the body: the instructions)
 *
 * Parsing is lenient: unknown keys are ignored, a bad value is left out
 * with a note, never an error. Nothing in the file is policy: `tools` can
 * only narrow what the chat's mode offers (the agent core decides that).
 */
import { AGENT_NAME } from '../../protocol/agents';
import { mapAgentTools } from './agentToolNames';

/** An agent file larger than this is not loaded. */
export const MAX_AGENT_FILE_BYTES = 32 * 1024;

export interface ParsedAgentFile {
  name: string;
  description: string;
  instructions: string;
  /** The model the file asks for; undefined: the chat's (also for `inherit` and Claude's aliases). */
  model?: string;
  /** Hearth tool names; undefined when the file names none (every tool of the mode). */
  tools?: string[];
  /** Lowercase words or phrases that route a message to this agent. */
  keywords: string[];
  /** What the user should know: unknown tools, a model name Hearth cannot use. */
  notes: string[];
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

/** A value as a list: `[a, 'b']`, `a, b`, or the `- a` lines that followed the key. */
function asList(value: string | string[]): string[] {
  if (Array.isArray(value)) return value.map(unquote).filter(Boolean);
  const v = value.trim();
  const inner = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  return inner.split(',').map(unquote).filter(Boolean);
}

/** Front matter as raw values: a scalar (block scalars `|` / `>` joined), or the list of `- item` lines. */
function frontMatter(block: string): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const kv = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(lines[i]);
    if (!kv) continue;
    const key = kv[1].toLowerCase();
    const rest = kv[2].trim();
    const following: string[] = [];
    while (i + 1 < lines.length && (/^\s+\S/.test(lines[i + 1]) || /^-\s/.test(lines[i + 1]) || lines[i + 1].trim() === '')) following.push(lines[++i]);
    if (rest === '' && following.some((l) => /^\s*-\s+/.test(l))) {
      out.set(key, following.filter((l) => /^\s*-\s+/.test(l)).map((l) => l.replace(/^\s*-\s+/, '')));
    } else if (/^[|>][-+]?$/.test(rest)) {
      out.set(key, following.map((l) => l.trim()).join(rest.startsWith('|') ? '\n' : ' ').trim());
    } else {
      out.set(key, [rest, ...following.map((l) => l.trim())].filter(Boolean).join(' '));
    }
  }
  return out;
}

/** A display name as an `@` name: "Code Reviewer" → "code-reviewer". */
export function agentNameOf(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** The name a file gives when its front matter has none: `tester.agent.md` → tester. */
export function agentNameFromFile(fileName: string): string {
  return agentNameOf(fileName.replace(/(\.agent)?\.md$/i, ''));
}

/** Model values other assistants use that name no model Hearth could run. */
const NOT_A_MODEL = new Set(['inherit', 'default', 'sonnet', 'opus', 'haiku']);

/** Parses an agent file; undefined when it has no usable name. */
export function parseAgentFile(text: string, fileName: string): ParsedAgentFile | undefined {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const m = /^---\n([\s\S]*?)\n---(?:\n|$)/.exec(normalized);
  const fields = m ? frontMatter(m[1]) : new Map<string, string | string[]>();
  const instructions = (m ? normalized.slice(m[0].length) : normalized).trim();
  const scalar = (key: string): string | undefined => {
    const v = fields.get(key);
    if (v === undefined) return undefined;
    return (Array.isArray(v) ? v.join(' ') : unquote(v)).replace(/\s+/g, ' ').trim() || undefined;
  };
  const name = agentNameOf(scalar('name') ?? '') || agentNameFromFile(fileName);
  if (!AGENT_NAME.test(name)) return undefined;
  const notes: string[] = [];

  let model: string | undefined;
  const rawModel = fields.get('model');
  // Copilot allows a list of models to try in order; Hearth takes the first.
  const firstModel = rawModel === undefined ? undefined : asList(rawModel)[0];
  if (firstModel && !NOT_A_MODEL.has(firstModel.toLowerCase())) model = firstModel.slice(0, 200);
  else if (firstModel && firstModel.toLowerCase() !== 'inherit') notes.push(`model "${firstModel}" is not a model Hearth can run; the chat's model is used`);

  let tools: string[] | undefined;
  const rawTools = fields.get('tools');
  if (rawTools !== undefined) {
    const mapped = mapAgentTools(asList(rawTools));
    tools = mapped.tools;
    if (mapped.unknown.length > 0) notes.push(`Hearth has no tool like ${mapped.unknown.map((t) => `"${t}"`).join(', ')}; left out`);
  }

  const rawKeywords = fields.get('keywords');
  const keywords = rawKeywords === undefined ? [] : [...new Set(asList(rawKeywords).map((k) => k.toLowerCase().replace(/\s+/g, ' ').trim()).filter((k) => k.length >= 2))].slice(0, 32);

  return { name, description: (scalar('description') ?? '').slice(0, 500), instructions, model, tools, keywords, notes };
}
