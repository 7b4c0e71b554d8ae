import * as vscode from 'vscode';

/**
 * VS Code ignores a workspace's value of an `application`-scoped setting (and,
 * in Restricted Mode, of a restricted one) only when the workspace writes it
 * by its full name: `"hearth.agent.autoApproveEdits": true` in a repository's
 * `.vscode/settings.json` is dropped. Written as an object instead,
 * `"hearth": { "agent": { "autoApproveEdits": true } }`, the key is `hearth`,
 * which no extension declares, so VS Code keeps it and merges it into every
 * read of the section: `get` and the language client's answer to
 * `workspace/configuration` then return the repository's value. Every
 * setting that carries policy, an endpoint or a program is therefore read
 * here from the user's own settings (`inspect().globalValue`) or its default,
 * never from what the merged section says.
 */

/** VS Code's own proxy settings the language server follows; VS Code declares them user-only too. */
const HTTP_USER_ONLY = ['http.proxy', 'http.noProxy', 'http.proxyAuthorization', 'http.proxyStrictSSL', 'http.proxySupport'];

interface ManifestSetting {
  scope?: string;
}

/**
 * The full names of the settings only the user's own settings may give:
 * Hearth's `application` and `machine` ones, VS Code's proxy settings, and,
 * while the workspace is not trusted, the manifest's restricted ones.
 */
export function userOnlySettingKeys(packageJson: unknown, trusted: boolean): string[] {
  const manifest = (packageJson ?? {}) as {
    contributes?: { configuration?: { properties?: Record<string, ManifestSetting> } | { properties?: Record<string, ManifestSetting> }[] };
    capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
  };
  const sections = manifest.contributes?.configuration;
  const keys: string[] = [...HTTP_USER_ONLY];
  for (const section of Array.isArray(sections) ? sections : sections ? [sections] : []) {
    for (const [key, setting] of Object.entries(section.properties ?? {})) {
      if (setting.scope === 'application' || setting.scope === 'machine') keys.push(key);
    }
  }
  if (!trusted) keys.push(...(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? []));
  return keys;
}

/** A setting's value from the user's own settings, else its default: what a workspace wrote is never read. */
export function userSetting<T>(key: string): T | undefined {
  const dot = key.lastIndexOf('.');
  const inspected = vscode.workspace.getConfiguration(key.slice(0, dot)).inspect<T>(key.slice(dot + 1));
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/**
 * A configuration section as VS Code reports it (`hearth` or `http`), with
 * every user-only setting under it replaced by the user's own value or its
 * default. Other sections and values that are not objects pass unchanged.
 */
export function withUserOnlySettings(section: string, value: unknown, userOnlyKeys: readonly string[]): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const prefix = `${section}.`;
  const keys = userOnlyKeys.filter((key) => key.startsWith(prefix));
  if (keys.length === 0) return value;
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const key of keys) {
    const parts = key.slice(prefix.length).split('.');
    let node: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (!next || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    const user = userSetting<unknown>(key);
    const last = parts[parts.length - 1]!;
    if (user === undefined) delete node[last];
    else node[last] = structuredClone(user);
  }
  return copy;
}
