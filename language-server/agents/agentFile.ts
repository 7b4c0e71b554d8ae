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
import { asList, scalarField, splitFrontMatter } from './frontMatter';

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
  const { fields, body: instructions } = splitFrontMatter(text);
  const scalar = (key: string): string | undefined => scalarField(fields, key);
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
