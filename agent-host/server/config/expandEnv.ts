/**
 * Expands `${NAME}` and `${NAME:-default}` in every string of a parsed YAML
 * document, the way the PenguinCode config did, so secrets can stay in the
 * environment. `$${` escapes a literal `${`. An unset variable without a
 * default is an error that names it, rather than a silent empty secret.
 */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') return expandString(value, env, path);
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

export function expandString(text: string, env: NodeJS.ProcessEnv, path: string): string {
  return text.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) => {
    if (whole.startsWith('$$')) return whole.slice(1);
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new Error(`${path || 'config'}: the environment variable ${name} is not set (write \${${name}:-default} to give a default).`);
  });
}
