/**
 * `NAME=value` in front of an allowed command. Programs read many variables
 * that change what they load or run (`NODE_OPTIONS`, `GIT_CONFIG_*`,
 * `npm_config_*` in any letter case, `XDG_CONFIG_HOME`, `HOME`…), and the list
 * grows with every tool, so this is an allow-list: only a few variables that
 * change formatting or mode run without asking, compared case-insensitively,
 * and only with plain values (no paths, no `..`).
 */
const SAFE_NAMES = new Set(['ci', 'no_color', 'force_color', 'tz', 'lang', 'language', 'node_env', 'columns']);

function isSafeName(name: string): boolean {
  const lower = name.toLowerCase();
  return SAFE_NAMES.has(lower) || /^lc_[a-z]+$/.test(lower);
}

/** Why setting `name=value` in front of a command needs approval, or null. */
export function assignmentReason(name: string, value: string): string | null {
  if (!isSafeName(name)) return `it sets \`${name}\`, which can change what the command loads or runs`;
  if (!/^[A-Za-z0-9_.@+,:=-]*$/.test(value.replace(/\//g, '')) || value.startsWith('/') || value.startsWith(':') || value.includes('..')) {
    return `it sets \`${name}\` to a value that is not plain text`;
  }
  return null;
}
