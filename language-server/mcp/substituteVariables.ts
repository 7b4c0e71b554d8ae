import * as os from 'node:os';
import * as path from 'node:path';

export interface SubstitutionContext {
  /** The folder `${workspaceFolder}` stands for; undefined when no folder is open. */
  workspaceFolder?: string;
  env: NodeJS.ProcessEnv;
  userHome?: string;
}

export interface Substituted {
  value: string;
  /** Variables that could not be resolved, each in a sentence the user can act on. */
  problems: string[];
  /** `${env:NAME}` references whose variable is not set (they become empty, as in VS Code). */
  unsetEnv: string[];
  /** Every variable of the environment a `${env:NAME}` reference reads, set or not, in order. */
  envReads: string[];
  /** The user's own paths the text took in, by variable (`userHome`, `workspaceFolder`, `workspaceFolderBasename`), in order. */
  pathReads: LocalPathVariable[];
}

/** The variables that stand for a path (or a folder's name) on the user's machine, which names the user and the project. */
export type LocalPathVariable = 'userHome' | 'workspaceFolder' | 'workspaceFolderBasename';

/**
 * Resolves the variables VS Code's mcp.json supports: `${env:NAME}`,
 * `${workspaceFolder}`, `${workspaceFolderBasename}`, `${userHome}` and
 * `${pathSeparator}` (or `${/}`). `${input:…}` needs VS Code's own prompt,
 * which Hearth does not have: it is reported, never silently left in place.
 */
export function substituteVariables(text: string, ctx: SubstitutionContext): Substituted {
  const problems: string[] = [];
  const unsetEnv: string[] = [];
  const envReads: string[] = [];
  const pathReads: LocalPathVariable[] = [];
  const value = text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    const name = inner.trim();
    if (name.startsWith('env:')) {
      const variable = name.slice(4);
      envReads.push(variable);
      const found = ctx.env[variable];
      if (found === undefined) unsetEnv.push(variable);
      return found ?? '';
    }
    switch (name) {
      case 'workspaceFolder':
      case 'workspaceRoot':
        pathReads.push('workspaceFolder');
        if (ctx.workspaceFolder) return ctx.workspaceFolder;
        problems.push(`${whole} needs an open folder.`);
        return whole;
      case 'workspaceFolderBasename':
        pathReads.push('workspaceFolderBasename');
        if (ctx.workspaceFolder) return path.basename(ctx.workspaceFolder);
        problems.push(`${whole} needs an open folder.`);
        return whole;
      case 'userHome':
        pathReads.push('userHome');
        return ctx.userHome ?? os.homedir();
      case 'pathSeparator':
      case '/':
        return path.sep;
    }
    if (name.startsWith('input:')) {
      problems.push(`${whole} asks VS Code to prompt for a value, which Hearth cannot do; put the value in an environment variable and use \${env:NAME} instead.`);
    } else {
      problems.push(`${whole} is not a variable Hearth knows (use \${env:NAME}, \${workspaceFolder} or \${userHome}).`);
    }
    return whole;
  });
  return { value, problems, unsetEnv, envReads, pathReads };
}
