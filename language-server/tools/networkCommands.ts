/**
 * Commands that need the network: installing packages, talking to remotes,
 * downloading. They always ask (the sandbox blocks the network unless the
 * user grants it with the approval), even when the allow-list names them.
 */

const PACKAGE_MANAGERS = new Set(['npm', 'pnpm', 'yarn', 'bun', 'cnpm']);
const PACKAGE_NETWORK = new Set([
  'install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isntal', 'isntall', 'add', 'ci', 'clean-install', 'ic', 'install-ci-test', 'cit',
  'install-test', 'it', 'update', 'up', 'upgrade', 'udpate', 'outdated', 'publish', 'unpublish', 'deprecate', 'view', 'v', 'info', 'show', 'audit',
  'login', 'logout', 'adduser', 'whoami', 'dist-tag', 'owner', 'search', 's', 'se', 'exec', 'x', 'dlx', 'create', 'init', 'doctor', 'ping', 'token',
  'fetch', 'import', 'dedupe', 'ddp', 'link', 'ln', 'access', 'org', 'team', 'star', 'stars', 'repo', 'bugs', 'docs', 'home', 'fund', 'sbom',
]);

/** Programs whose every use talks to the network. */
const ALWAYS_NETWORK = new Set([
  'curl', 'wget', 'ssh', 'scp', 'sftp', 'rsync', 'nc', 'ncat', 'netcat', 'telnet', 'ftp', 'ping', 'ping6', 'dig', 'nslookup', 'host', 'traceroute',
  'http', 'https', 'aria2c', 'gh', 'hub', 'az', 'aws', 'gcloud', 'gsutil', 'kubectl', 'npx', 'pnpx', 'bunx', 'mvn', 'gradle', 'gradlew', 'socat',
]);

const SUBCOMMANDS: Record<string, Set<string>> = {
  git: new Set(['fetch', 'pull', 'clone', 'push', 'ls-remote', 'submodule', 'remote', 'request-pull', 'send-email', 'svn', 'p4', 'lfs', 'archive']),
  pip: new Set(['install', 'download', 'wheel', 'search', 'index']),
  pip3: new Set(['install', 'download', 'wheel', 'search', 'index']),
  pipx: new Set(['install', 'upgrade', 'upgrade-all', 'run', 'reinstall', 'reinstall-all', 'inject']),
  uv: new Set(['add', 'sync', 'lock', 'pip', 'tool', 'run', 'venv', 'python']),
  poetry: new Set(['install', 'add', 'update', 'lock', 'publish', 'search']),
  pdm: new Set(['install', 'add', 'update', 'lock', 'publish', 'sync']),
  conda: new Set(['install', 'update', 'create', 'search']),
  cargo: new Set(['fetch', 'install', 'update', 'add', 'publish', 'search', 'login', 'generate-lockfile']),
  go: new Set(['get', 'install', 'mod']),
  gem: new Set(['install', 'update', 'push', 'fetch', 'search']),
  bundle: new Set(['install', 'update', 'add', 'outdated']),
  composer: new Set(['install', 'update', 'require', 'create-project', 'outdated']),
  brew: new Set(['install', 'update', 'upgrade', 'fetch', 'tap', 'reinstall']),
  apt: new Set(['install', 'update', 'upgrade', 'download', 'source', 'full-upgrade', 'dist-upgrade']),
  'apt-get': new Set(['install', 'update', 'upgrade', 'download', 'source', 'dist-upgrade']),
  dnf: new Set(['install', 'update', 'upgrade', 'download']),
  yum: new Set(['install', 'update', 'upgrade']),
  apk: new Set(['add', 'update', 'upgrade', 'fetch']),
  docker: new Set(['pull', 'push', 'login', 'build', 'run', 'search', 'buildx', 'compose']),
  podman: new Set(['pull', 'push', 'login', 'build', 'run', 'search']),
  deno: new Set(['install', 'cache', 'add', 'run']),
  dotnet: new Set(['restore', 'add', 'tool', 'nuget']),
  ollama: new Set(['pull', 'push']),
  terraform: new Set(['init', 'plan', 'apply', 'destroy', 'get']),
  helm: new Set(['install', 'upgrade', 'pull', 'repo', 'dependency', 'push']),
};

/** Why the words (a command and its arguments) need the network, or null. */
export function networkReason(words: readonly string[]): string | null {
  if (words.length === 0) return null;
  const name = (words[0].split('/').pop() ?? '').toLowerCase();
  const sub = words.slice(1).find((w) => !w.startsWith('-')) ?? '';
  const label = `\`${[name, sub].filter(Boolean).join(' ')}\``;
  if (ALWAYS_NETWORK.has(name)) return `${label} needs network access`;
  if (PACKAGE_MANAGERS.has(name)) {
    // `yarn` alone installs.
    if ((name === 'yarn' && sub === '') || PACKAGE_NETWORK.has(sub)) return `${label} needs network access`;
    return null;
  }
  if (/^python[0-9.]*$/.test(name)) {
    const m = words.indexOf('-m');
    if (m > 0 && /^pip[0-9]*$/.test(words[m + 1] ?? '') && SUBCOMMANDS.pip.has(words.slice(m + 2).find((w) => !w.startsWith('-')) ?? '')) {
      return `\`${name} -m pip\` needs network access`;
    }
    return null;
  }
  // Global options may come first (`git -C dir fetch`): any of the first two plain words counts.
  const hit = words.slice(1).filter((w) => !w.startsWith('-')).slice(0, 2).find((w) => SUBCOMMANDS[name]?.has(w));
  if (hit) return `\`${name} ${hit}\` needs network access`;
  return null;
}
