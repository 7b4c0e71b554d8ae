/**
 * What the team index lets `git` fetch. The URL comes from the admin's
 * config, but git reads far more into a URL than a host and a path: `ext::`
 * runs a command, `file://` and bare paths read the server's own disk,
 * `fd::`, `-u…` or `--upload-pack=…` become options, and a `<transport>::`
 * prefix picks a remote helper. Only https:// and ssh:// (and the scp-like
 * `user@host:path`) pass; every git invocation also sets
 * protocol.allow=never with https and ssh re-allowed (see gitMirror.ts), so
 * a redirect or a submodule cannot reach another transport either.
 */

const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)[A-Za-z0-9._~/-]+$/;

/** Why `url` must not be cloned, or undefined when it may. */
export function gitUrlProblem(url: string): string | undefined {
  if (url.trim() !== url || url === '') return 'must be a git URL without surrounding spaces';
  if (url.startsWith('-')) return 'must not start with "-" (git would read it as an option)';
  if (url.includes('::')) return `"${url}" names a git remote helper (such as ext:: or fd::), which can run commands; use an https:// or ssh:// URL`;
  // Spaces and control characters (code points below 32, and DEL) have no place in a URL git should see.
  if ([...url].some((c) => c.charCodeAt(0) <= 32 || c.charCodeAt(0) === 127)) return 'must not contain spaces or control characters';
  if (SCP_LIKE.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL; use https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'ssh:') {
    return `the ${parsed.protocol.replace(/:$/, '')} transport is refused (file://, git://, http:// and local paths included); use https:// or ssh://`;
  }
  if (parsed.hostname === '' || parsed.hostname.startsWith('-')) return 'needs a host name';
  if (parsed.password !== '') return 'must not carry a password (it would be stored in the clone and logged); use an SSH key or a credential helper';
  return undefined;
}

/** Why `ref` must not be used as a branch or tag name, or undefined. */
export function gitRefProblem(ref: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(ref) || ref.includes('..') || ref.endsWith('.lock') || ref.endsWith('/') || ref.includes('//')) {
    return `"${ref}" is not a plain branch or tag name (letters, digits, ., _, - and /, not starting with - or containing ..)`;
  }
  return undefined;
}

/** `url` without any user name, for logs and citations. */
export function displayGitUrl(url: string): string {
  if (SCP_LIKE.test(url)) return url.replace(/^[^@]+@/, '');
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
