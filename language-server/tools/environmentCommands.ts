/**
 * Commands that create a Python environment (`python -m venv .venv`,
 * `virtualenv venv`). An environment's packages and `.pth` files run
 * whenever its Python starts, also when VS Code's Python extension inspects
 * it by itself, outside the sandbox; so `.venv/` and `venv/` are
 * execution-sensitive (executionSensitivePaths.ts) and read-only for
 * commands. Making one is therefore an install: it always asks, and once
 * approved the command may write the environment it makes, as an approved
 * `npm install` may write node_modules/. (`uv venv` and `conda create` need
 * the network and are installs already, networkCommands.ts.)
 */

/** Why the words (a command and its arguments) create a Python environment, or null. */
export function environmentCreationReason(words: readonly string[]): string | null {
  if (words.length === 0) return null;
  const name = (words[0].split('/').pop() ?? '').toLowerCase();
  const why = 'which holds code that runs outside the sandbox whenever its Python starts';
  if (name === 'virtualenv') return `\`virtualenv\` creates a Python environment, ${why}`;
  if (/^python[0-9.]*$/.test(name)) {
    const m = words.indexOf('-m');
    const module = m > 0 ? words[m + 1] : undefined;
    if (module === 'venv' || module === 'virtualenv') return `\`${name} -m ${module}\` creates a Python environment, ${why}`;
  }
  return null;
}
