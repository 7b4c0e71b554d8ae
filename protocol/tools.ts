/**
 * The tools the model can see: one enum of names and one schema each.
 * The agent core (which offers them to the model and validates the model's
 * arguments) and the tool executor (which runs them on the developer's
 * machine) both read these definitions, in every mode, so local and remote
 * agents offer exactly the same tools.
 *
 * Every built-in tool's parameters are closed (`additionalProperties: false`):
 * a call with an argument the tool does not define is refused with a message
 * naming it, from a local model or a team server alike, instead of running
 * without it. A model that believes it set a `cwd` or a `sandbox` that the
 * tool does not have learns that it did not, and the user is never asked to
 * approve a call whose arguments say more than what will run.
 */

/** A JSON Schema subset: what tool parameters need and what validators check. */
export interface JsonSchema {
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'null';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: (string | number)[];
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean;
}

export interface ToolDefinition {
  /** The name the model sees. Built-in names come from `ToolName`; MCP tools are `server.tool`. */
  name: string;
  description: string;
  parameters: JsonSchema & { type: 'object' };
  /** True for tools that never change anything (they run without approval inside the workspace). */
  readOnly: boolean;
}

export enum ToolName {
  ReadFile = 'read_file',
  ListDir = 'list_dir',
  Glob = 'glob',
  Grep = 'grep',
  WriteFile = 'write_file',
  EditFile = 'edit_file',
  RunCommand = 'run_command',
  GetProblems = 'get_problems',
  FindSymbol = 'find_symbol',
  Remember = 'remember',
  CodebaseSearch = 'codebase_search',
  FetchWebPage = 'fetch_web_page',
  LoadSkill = 'load_skill',
}

const path = (description: string): JsonSchema => ({ type: 'string', description });

/** The built-in tools, in the order they are offered to the model. */
export const BUILTIN_TOOLS: Record<ToolName, ToolDefinition> = {
  [ToolName.ReadFile]: {
    name: ToolName.ReadFile,
    description: 'Read a text file in the workspace. Returns numbered lines. Use startLine/endLine for large files.',
    readOnly: true,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: path('Workspace-relative path of the file.'),
        startLine: { type: 'integer', minimum: 1, description: 'First line to read (1-based).' },
        endLine: { type: 'integer', minimum: 1, description: 'Last line to read (inclusive).' },
      },
      required: ['path'],
    },
  },
  [ToolName.ListDir]: {
    name: ToolName.ListDir,
    description: 'List the entries of a directory in the workspace (directories end with /).',
    readOnly: true,
    parameters: { type: 'object', additionalProperties: false, properties: { path: path('Workspace-relative directory; "." for the root.') }, required: ['path'] },
  },
  [ToolName.Glob]: {
    name: ToolName.Glob,
    description: 'Find files by glob pattern (for example "src/**/*.ts"), honouring .gitignore.',
    readOnly: true,
    parameters: { type: 'object', additionalProperties: false, properties: { pattern: { type: 'string', description: 'Glob relative to the workspace root.' } }, required: ['pattern'] },
  },
  [ToolName.Grep]: {
    name: ToolName.Grep,
    description: 'Search file contents with a regular expression, honouring .gitignore. Returns path:line: text matches.',
    readOnly: true,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        pattern: { type: 'string', description: 'Regular expression (Rust/ripgrep syntax).' },
        path: path('Directory or file to search in; defaults to the workspace root.'),
        glob: { type: 'string', description: 'Only search files matching this glob.' },
        caseSensitive: { type: 'boolean', description: 'Defaults to false.' },
      },
      required: ['pattern'],
    },
  },
  [ToolName.WriteFile]: {
    name: ToolName.WriteFile,
    description: 'Create or overwrite a file with the given content. The user reviews the change as a diff.',
    readOnly: false,
    parameters: { type: 'object', additionalProperties: false, properties: { path: path('Workspace-relative path.'), content: { type: 'string', description: 'The whole new content.' } }, required: ['path', 'content'] },
  },
  [ToolName.EditFile]: {
    name: ToolName.EditFile,
    description: 'Replace one exact occurrence of oldText with newText in a file. oldText must match exactly once; include enough surrounding lines to make it unique.',
    readOnly: false,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: path('Workspace-relative path.'),
        oldText: { type: 'string', description: 'Exact text to replace, including whitespace.' },
        newText: { type: 'string', description: 'Replacement text.' },
      },
      required: ['path', 'oldText', 'newText'],
    },
  },
  [ToolName.RunCommand]: {
    name: ToolName.RunCommand,
    description: 'Run a shell command in the workspace root and return its exit code and output. The user may need to approve it.',
    readOnly: false,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        command: { type: 'string', description: 'The command line, run by /bin/sh.' },
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 600, description: 'Defaults to 60.' },
      },
      required: ['command'],
    },
  },
  [ToolName.GetProblems]: {
    name: ToolName.GetProblems,
    description: 'List the errors and warnings VS Code currently reports, optionally for one file.',
    readOnly: true,
    parameters: { type: 'object', additionalProperties: false, properties: { path: path('Workspace-relative path; omit for all files.') } },
  },
  [ToolName.FindSymbol]: {
    name: ToolName.FindSymbol,
    description:
      'Find where a function, class, method, interface, type or constant is defined (path:line and its signature line) and where its name is used, from the workspace\'s symbol index (TypeScript, JavaScript, Python, Go, Rust, Java). Faster and more precise than grep for code names.',
    readOnly: true,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', description: 'The symbol\'s name, for example "parseConfig" or "Server.listen" (the part after the last dot is looked up).' },
        kind: {
          type: 'string',
          enum: ['function', 'class', 'method', 'interface', 'type', 'enum', 'struct', 'const', 'module'],
          description: 'Only definitions of this kind.',
        },
        includeUses: { type: 'boolean', description: 'Also list the lines that use the name (default true).' },
      },
      required: ['name'],
    },
  },
  [ToolName.Remember]: {
    name: ToolName.Remember,
    description:
      'Save a short, durable note about this project (a convention, a decision, where something lives) to .hearth/memory.md, which is shown to you at the start of every later conversation. The user reviews each note. Save only facts that will stay true and help later; never secrets.',
    readOnly: false,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: { note: { type: 'string', description: 'One fact, in one or two sentences (at most 500 characters).' } },
      required: ['note'],
    },
  },
  [ToolName.CodebaseSearch]: {
    name: ToolName.CodebaseSearch,
    description:
      'Search the workspace\'s code and documentation by meaning and keywords (an index of the whole workspace, honouring .gitignore). ' +
      'Describe what you are looking for in words ("where is the session token refreshed"); returns the best matching chunks as path:start-end with a short snippet. ' +
      'Use it to find where something lives before read_file; use grep for an exact string.',
    readOnly: true,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        query: { type: 'string', description: 'What to look for, in natural language or keywords.' },
        limit: { type: 'integer', minimum: 1, maximum: 20, description: 'How many results (default 8).' },
      },
      required: ['query'],
    },
  },
  [ToolName.FetchWebPage]: {
    name: ToolName.FetchWebPage,
    description:
      'Read a web page (documentation, an issue, a changelog) as Markdown text. The user approves every address before it is fetched, and sees it in full: ' +
      'put nothing from the workspace or the conversation into the address. Prefer official documentation; cite the address you used.',
    // It changes nothing on the machine; the address leaving it is what the user approves, in every mode.
    readOnly: true,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: { url: { type: 'string', description: 'The page\'s full http or https address.' } },
      required: ['url'],
    },
  },
  [ToolName.LoadSkill]: {
    name: ToolName.LoadSkill,
    description:
      'Load one of the skills (the choices of "name"; the "Skills" section, where there is one, says what each is for): its instructions for a particular kind of task, and the names of the files beside them. ' +
      'Load a skill before doing a task its description matches, then follow it. With "file", read one of those files (a template, a reference).',
    readOnly: true,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', description: 'The skill\'s name, as listed.' },
        file: { type: 'string', description: 'A file of the skill\'s folder, relative to it, as listed when the skill was loaded.' },
      },
      required: ['name'],
    },
  },
};

export const BUILTIN_TOOL_LIST: ToolDefinition[] = Object.values(BUILTIN_TOOLS);

export function isToolName(name: string): name is ToolName {
  return Object.prototype.hasOwnProperty.call(BUILTIN_TOOLS, name);
}
