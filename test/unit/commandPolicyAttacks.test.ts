/**
 * The command policy against an attacker who writes the command lines: every
 * case below ran without approval under the old prefix policy or is a variant
 * of one that did. Each attack must not get 'run' (deny-list cases must get
 * 'deny'); each legitimate command must still run, and the `exec` line the
 * policy returns must make /bin/sh run exactly the words that were judged.
 * Paths are checked against a real temporary workspace with a symlink that
 * points outside it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DEFAULT_COMMAND_ALLOW_LIST, DEFAULT_COMMAND_DENY_LIST } from '../../language-server/tools/agentPolicyDefaults';
import { evaluateCommand, type CommandContext, type CommandVerdict } from '../../language-server/tools/commandPolicy';
import { makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

const defaults = { allow: DEFAULT_COMMAND_ALLOW_LIST, deny: DEFAULT_COMMAND_DENY_LIST };

/** Attacks on the default lists: each must need approval (or be refused). `reason` is matched against the reasons given. */
const NOT_RUN: { line: string; reason?: RegExp }[] = [
  // 1. Options that make allow-listed commands write, read elsewhere or run code.
  { line: 'git log -1 --format=x --output=.git/config', reason: /writes its output to a file/ },
  { line: 'git diff --output=package.json', reason: /writes its output/ },
  { line: 'git diff --out=x', reason: /writes its output/ },
  { line: 'git diff --outp x', reason: /writes its output/ },
  { line: 'git diff --OUTPUT=x' },
  { line: 'git log -- --output=x', reason: /writes its output/ },
  { line: 'git show --output=x HEAD' },
  { line: 'git diff --no-index ../outside/secret.txt /dev/null', reason: /outside the repository/ },
  { line: 'git diff --no-i a b', reason: /outside the repository/ },
  { line: 'git diff --ext-diff', reason: /external diff/ },
  { line: 'git log -p --textconv', reason: /text conversion/ },
  { line: 'git show -Oorder.txt HEAD', reason: /pager|order file/ },
  { line: 'git diff -O/etc/passwd' },
  { line: 'git -c core.pager=evil log', reason: /git configuration/ },
  { line: 'git -ccore.pager=evil log' },
  { line: 'git --config-env=core.pager=X log' },
  { line: 'git -C /tmp status' },
  { line: 'git --git-dir=/tmp/x/.git log' },
  { line: 'git --work-tree=/ status' },
  { line: 'git --exec-path=/tmp status' },
  { line: 'git -p log' },
  { line: 'git --paginate log' },
  { line: 'git log --exec=x' },
  { line: 'git log --show-signature', reason: /gpg/ },
  { line: "git log --format='%h %G? %GS'", reason: /runs gpg to check signatures/ },
  { line: 'git log --pretty=format:%GK -1', reason: /gpg/ },
  { line: "git for-each-ref --format='%(signature:grade)' refs/tags", reason: /gpg/ },
  { line: 'ls src\\', reason: /lone backslash/ },
  { line: "npm test --node-options='--import=data:text/javascript,1'", reason: /options to node/ },
  { line: 'npm test --prefix=/elsewhere', reason: /another directory/ },
  { line: 'npm test --pre=/elsewhere', reason: /another directory/ },
  { line: 'npm test -C /elsewhere' },
  { line: 'npm run lint --logs-dir=/tmp/logs', reason: /logs/ },
  { line: 'npm test --userconfig=./evil.npmrc' },
  { line: 'npm test --globalconfig=x' },
  { line: 'npm test --script-shell=./evil.sh', reason: /another program/ },
  { line: 'npm run build --cache=/tmp/c' },
  { line: 'npm test --registry=http://evil' },
  { line: 'npm test --call=x' },
  { line: 'npm test -c x' },
  { line: 'npm test --workspace=../other' },
  { line: 'npm test --init-module=x.js' },
  { line: 'npm test --foo-unknown' },
  { line: 'npm t', reason: /not in your allow-list/ },
  { line: 'npm run-script test' },
  { line: 'npx mocha', reason: /another command/ },
  { line: 'npm exec mocha' },
  // Paths outside the workspace, lexically and through the symlink `escape` -> outside.
  { line: 'cat ../outside/secret.txt', reason: /outside the workspace/ },
  { line: 'cat /etc/passwd', reason: /outside the workspace/ },
  { line: 'cat escape/secret.txt', reason: /outside the workspace/ },
  { line: 'cat src/../escape/secret.txt', reason: /outside the workspace/ },
  { line: 'cat escape/../outside/secret.txt', reason: /outside the workspace/ },
  { line: 'cat esc*/secret.txt', reason: /outside the workspace/ },
  { line: 'cat */secret.txt', reason: /outside the workspace/ },
  { line: 'ls escape', reason: /outside the workspace/ },
  { line: 'ls .*', reason: /matches `\.\.`/ },
  { line: 'cat [^a]*', reason: /pattern/ },
  { line: `cat ${'*a'.repeat(20)}*b`, reason: /too complex/ },
  { line: 'cat [E]scape/secret.txt', reason: /outside the workspace/ },
  { line: 'ls -RL .', reason: /symbolic links/ },
  { line: 'cat linked.txt', reason: /hard link/ },
  { line: 'cat ../*', reason: /outside the workspace/ },
  { line: 'ls /', reason: /outside the workspace/ },
  { line: 'head -n 5 ~/.ssh/id_rsa', reason: /only known when it runs/ },
  { line: 'tail --lines=3 /etc/shadow' },
  { line: 'wc --files0-from=list.txt', reason: /list of files/ },
  { line: 'wc --files0=list.txt' },
  { line: 'cat < ../outside/secret.txt', reason: /outside the workspace/ },
  { line: 'git diff HEAD -- ../outside' },
  // 2. Characters the shell reads differently from the parser.
  { line: 'ls \r# ; touch x', reason: /carriage return/ },
  { line: 'ls \v; touch x', reason: /vertical tab/ },
  { line: 'ls \f; touch x', reason: /form feed/ },
  { line: 'ls \0; touch x', reason: /NUL/ },
  { line: 'ls \x1b[2K; touch x' },
  { line: 'ls \x7f; touch x' },
  { line: 'ls\u00a0-la', reason: /no-break space/ },
  { line: 'ls\u200b; touch x', reason: /zero-width/ },
  { line: 'cat README.md \u202e', reason: /right-to-left/ },
  { line: 'ls \u{E0072}\u{E006D}', reason: /invisible or control character \(U\+E0072\)/ },
  { line: 'ls x\u{FE0F}', reason: /U\+FE0F/ },
  { line: 'l\u0455 -la', reason: /plain ASCII|not in your allow-list/ },
  { line: 'ｌｓ', reason: /plain ASCII|not in your allow-list/ },
  { line: 'ls\u3000x' },
  { line: "ls $'a'" },
  { line: 'ls $"a"' },
  { line: 'cat {README.md,../outside/secret.txt}', reason: /brace expansion/ },
  { line: 'cat READ\\\nME.md', reason: /backslash-newline/ },
  { line: "'ls' -la", reason: /quoted or escaped/ },
  { line: '\\ls -la', reason: /quoted or escaped/ },
  { line: '((ls))' },
  { line: 'ls 10>/dev/null', reason: /file descriptor/ },
  // 3. Environment prefixes.
  { line: 'NPM_config_node_options=--require=./x.js npm test', reason: /NPM_config_node_options/ },
  { line: 'npm_config_prefix=/x npm test' },
  { line: 'NPM_CONFIG_SCRIPT_SHELL=./x npm test' },
  { line: 'NODE_OPTIONS=--require=./x.js npm test' },
  { line: 'GIT_EXTERNAL_DIFF=./x git diff' },
  { line: 'GIT_CONFIG_GLOBAL=./evil git log' },
  { line: 'git_pager=x git log' },
  { line: 'XDG_CONFIG_HOME=./evil git status', reason: /XDG_CONFIG_HOME/ },
  { line: 'HOME=./evil git status' },
  { line: 'PATH=./bin:$PATH ls' },
  { line: 'LD_PRELOAD=./x.so ls' },
  { line: 'BASH_ENV=./x ls' },
  { line: 'LANG=../../tmp/x ls', reason: /not plain text/ },
  { line: 'TZ=/etc/x ls' },
  { line: 'CI=$(touch x) npm test' },
  { line: 'X=1; ls' },
  // Redirections and writes.
  { line: 'ls > out.txt', reason: /writes to `out.txt`/ },
  { line: 'ls >| out.txt' },
  { line: 'ls >> .git/config' },
  { line: 'ls &> out.txt' },
  { line: 'ls 2> err.txt' },
  { line: 'ls <> x' },
  { line: 'ls >&out.txt' },
  { line: 'ls > "$F"' },
  { line: 'ls | tee out.txt' },
  { line: 'cat <<EOF > x.sh\necho hi\nEOF' },
  { line: '(ls) > out.txt' },
  { line: '(ls; touch x)' },
  { line: '> .git/hooks/pre-commit' },
  // Expansions and substitutions in arguments.
  { line: 'cat $(echo /etc/passwd)' },
  { line: 'cat `echo /etc/passwd`' },
  { line: 'cat "$HOME/.ssh/id_rsa"' },
  { line: 'cat ${IFS}/etc/passwd' },
  { line: 'ls $((1+1))' },
  { line: 'ls <(cat /etc/passwd)' },
  // Network.
  { line: 'npm install', reason: /network/ },
  { line: 'git fetch origin' },
  // Other commands and shells.
  { line: 'touch x' },
  { line: 'ls | sh' },
  { line: 'ls && bash -c ls' },
  { line: 'eval ls' },
  { line: 'ls; . ./x.sh' },
  { line: 'if true; then ls; fi' },
  { line: 'f() { ls; }; f' },
];

/** Deny-list attacks: must be refused, whatever the spelling. */
const DENIED: { line: string; reason?: RegExp }[] = [
  { line: 'ls \r#; rm -rf dir', reason: /deny-list entry `rm -rf`/ },
  { line: 'ls \v; rm -rf dir' },
  { line: 'ls \0rm -rf dir' },
  { line: 'ls\u200b;sudo id' },
  { line: '$(echo rm) -rf x', reason: /only known at run time and could be `rm` \(deny-list `rm -rf`\)/ },
  { line: '`echo rm` -rf x', reason: /only known at run time/ },
  { line: '$X -rf x', reason: /only known at run time/ },
  { line: '"$X" -la', reason: /only known at run time and could be `sudo`/ },
  { line: "$'\\x72\\x6d' -rf x", reason: /`rm -rf x` matches/ },
  { line: "$'\\162\\155' -rf x" },
  { line: 'r""m -rf x' },
  { line: "r''m -r'f' x" },
  { line: '\\rm -rf x' },
  { line: '/bin/r? -rf x', reason: /could be `rm`/ },
  { line: 'r* -rf x' },
  { line: 'rm -r * ', reason: /could become `rm -rf`/ },
  { line: 'rm -r $FLAGS x' },
  { line: 'ls; ${IFS}sudo id' },
  { line: 'x=rm; $x -rf /' },
  { line: 'env FOO=1 rm -rf /' },
  { line: 'xargs rm -r < list.txt', reason: /could become `rm -rf`/ },
  { line: 'find . -exec rm -r {} +' },
  { line: "sh -c 'ls; rm -rf /'" },
  { line: 'sh -c "$CMD"', reason: /only known at run time/ },
  { line: 'eval "$(cat cmd.txt)"' },
  { line: 'timeout 5 curl https://x' },
  { line: 'CURL https://x' },
  { line: 'cat <<EOF | sh\nrm -rf /\nEOF' },
  { line: 'git push origin main --force' },
  { line: 'git push --forc origin main', reason: /git push --force/ },
  { line: 'git push -f origin main' },
  { line: 'rm --rec --forc build' },
  { line: 'rm --recursive --force build' },
  { line: 'ls && r\\\nm -rf x' },
];

/** Legitimate commands that must still run without asking under the defaults. */
const RUNS = [
  'git status',
  'git status --short',
  'git diff src/a.ts',
  'git diff --stat',
  'git diff --cached',
  'git diff --text src/a.ts',
  'git diff HEAD~1 -- src',
  'git log --oneline -5',
  "git log --format='%h %s' -n 3",
  'git log -S needle',
  'git show HEAD:src/a.ts',
  'git --no-pager log -1',
  'npm test',
  'npm test -- --grep x',
  'npm run lint',
  'npm run build --silent',
  'ls -la src',
  'ls',
  'pwd',
  'cat README.md',
  'cat src/*.ts',
  'head -n 20 README.md',
  'tail -5 README.md',
  'wc -l src/a.ts',
  'ls src | wc -l',
  'git status && git diff',
  'npm test 2>&1',
  'npm test > /dev/null 2>&1',
  'ls 2>/dev/null',
  'CI=1 npm test',
  'NO_COLOR=1 FORCE_COLOR=0 git log -1',
  'LC_ALL=C ls',
  '(ls src)',
  'git log -1 # a comment',
  'cat README.md | head -n 3; pwd',
  'ls &',
  'cat /dev/null',
];

describe('command policy: attacks', () => {
  let ws: ToolWorkspace;
  let context: CommandContext;

  before(async () => {
    ws = await makeToolWorkspace({ 'README.md': '# hi\n', 'src/a.ts': 'export {};\n', 'list.txt': '/etc/passwd\0' });
    await fs.symlink(ws.outside, path.join(ws.root, 'escape'));
    await fs.link(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'linked.txt'));
    context = { roots: [ws.root], cwd: ws.root };
  });

  after(async () => {
    await ws.cleanup();
  });

  const judge = (line: string): CommandVerdict => evaluateCommand(line, defaults, context);
  const describeVerdict = (v: CommandVerdict) => JSON.stringify(v);

  it(`never runs any of ${NOT_RUN.length} attacks without asking`, () => {
    assert.ok(NOT_RUN.length >= 70);
    for (const { line, reason } of NOT_RUN) {
      const v = judge(line);
      assert.notEqual(v.action, 'run', `${JSON.stringify(line)} must not run without asking: ${describeVerdict(v)}`);
      if (reason) {
        const text = v.action === 'ask' ? v.reasons.join(' | ') : v.action === 'deny' ? v.reason : '';
        assert.match(text, reason, `${JSON.stringify(line)}: ${describeVerdict(v)}`);
      }
    }
  });

  it(`refuses ${DENIED.length} spellings of deny-listed commands`, () => {
    for (const { line, reason } of DENIED) {
      const v = judge(line);
      assert.equal(v.action, 'deny', `${JSON.stringify(line)} must be refused: ${describeVerdict(v)}`);
      if (reason && v.action === 'deny') assert.match(v.reason, reason, JSON.stringify(line));
    }
  });

  it(`still runs ${RUNS.length} everyday commands without asking`, () => {
    assert.ok(RUNS.length >= 20);
    for (const line of RUNS) {
      const v = judge(line);
      assert.equal(v.action, 'run', `${JSON.stringify(line)} should run: ${describeVerdict(v)}`);
      // The line to execute is itself judged the same, and rewriting it again changes nothing.
      const exec = v.action === 'run' ? v.exec ?? '' : '';
      assert.deepEqual(judge(exec), { action: 'run', exec }, `exec of ${JSON.stringify(line)}`);
    }
  });

  it('gives every reason, the first as `reason`', () => {
    const v = judge('npm test --prefix=/elsewhere');
    assert.equal(v.action, 'ask');
    if (v.action !== 'ask') return;
    assert.equal(v.reason, v.reasons[0]);
    assert.deepEqual(v.reasons, ['`npm --prefix=/elsewhere` runs the scripts of another directory', 'it reads or writes `/elsewhere`, which is outside the workspace']);
    assert.equal(v.network, false);
    assert.equal(v.suggestedRule, undefined, 'no rule can make a dangerous option safe');
  });

  it('asks for network commands even when the allow-list names them, and says so', () => {
    for (const line of ['npm install', 'npm ci', 'yarn', 'pnpm add x', 'pip install x', 'python3 -m pip install x', 'git fetch', 'git pull', 'git clone x', 'git push', 'git ls-remote', 'git submodule update', 'cargo fetch', 'go get x', 'go mod download', 'env npm install', 'npx x']) {
      const v = evaluateCommand(line, { allow: [line, 'env', 'npx'], deny: [] }, context);
      assert.equal(v.action, 'ask', line);
      if (v.action !== 'ask') continue;
      assert.equal(v.network, true, line);
      assert.ok(v.reasons.some((r) => /needs network access/.test(r)), `${line}: ${JSON.stringify(v.reasons)}`);
    }
    const offline = judge('touch x');
    assert.equal(offline.action === 'ask' && offline.network, false);
  });

  it('asks before making a Python environment, even when the allow-list names the program, and counts it as an install', () => {
    // Its packages run outside the sandbox whenever its Python starts: once approved it may write .venv/, as an install may write node_modules/.
    for (const line of ['python3 -m venv .venv', 'python -m venv venv', '/usr/bin/python3.12 -m venv --without-pip .venv', 'virtualenv .venv', 'python3 -m virtualenv env']) {
      const v = evaluateCommand(line, { allow: ['python3', 'python', '/usr/bin/python3.12', 'virtualenv'], deny: [] }, context);
      assert.equal(v.action, 'ask', line);
      if (v.action !== 'ask') continue;
      assert.deepEqual([v.installs, v.network], [true, false], line);
      assert.ok(v.reasons.some((r) => /creates a Python environment, which holds code that runs outside the sandbox/.test(r)), `${line}: ${JSON.stringify(v.reasons)}`);
    }
    const install = judge('npm install');
    assert.equal(install.action === 'ask' && install.installs, true, 'a network install is an install');
    const plain = evaluateCommand('python3 -m pytest', { allow: ['python3'], deny: [] }, context);
    assert.equal(plain.action, 'run', 'other modules are not environments');
  });

  it('suggests the rule that covers one plain command, and none for what a rule cannot make safe', () => {
    const suggestion = (line: string) => {
      const v = judge(line);
      return v.action === 'ask' ? v.suggestedRule : `(${v.action})`;
    };
    assert.equal(suggestion('npm run typecheck'), 'npm run typecheck');
    assert.equal(suggestion('make test'), 'make test');
    assert.equal(suggestion('touch notes.txt'), 'touch');
    assert.equal(suggestion('git branch -a'), 'git branch');
    assert.equal(suggestion('ls && touch x'), undefined, 'compound line');
    assert.equal(suggestion('git diff --output=x'), undefined, 'dangerous option');
    assert.equal(suggestion('touch ../outside/x'), undefined, 'outside path');
    assert.equal(suggestion('touch $X'), undefined, 'dynamic word');
    assert.equal(suggestion('node -e 1'), undefined, 'an interpreter rule would allow any code');
    assert.equal(suggestion('rm build/x.js'), undefined, 'a rule would allow every rm');
    assert.equal(suggestion('npm install'), undefined, 'needs the network anyway');
    assert.equal(suggestion('FOO=1 make'), undefined, 'environment prefix');
    assert.equal(suggestion('make > log.txt'), undefined, 'writes through a redirection');
    // The rule it suggests really lets the command run.
    assert.equal(evaluateCommand('make test', { allow: ['make test'], deny: DEFAULT_COMMAND_DENY_LIST }, context).action, 'run');
  });

  it('asks when a pattern can reach the program as an option: the option checks only see the words as written', async () => {
    // A hostile repository ships a file whose name is an option; `git diff --out*` then empties README.md.
    const hostile = await makeToolWorkspace({ 'README.md': '# hi\n', '--output=README.md': '', 'src/a.ts': '' });
    try {
      const at = { roots: [hostile.root], cwd: hostile.root };
      const reasons = (line: string) => {
        const v = evaluateCommand(line, defaults, at);
        return v.action === 'ask' ? v.reasons.join(' | ') : `(${v.action})`;
      };
      assert.match(reasons('git diff --out*'), /the pattern `--out\*` starts like an option/);
      assert.match(reasons('git log -p ?-output=README.md'), /the pattern `\?-output=README\.md` matches the file `--output=README\.md`, which the program would read as an option/);
      assert.match(reasons('git show [-]*'), /matches the file `--output=README\.md`/);
      assert.match(reasons('cat *.md'), /matches the file `--output=README\.md`/);
      // Patterns that cannot start with a dash still run; so does the same pattern where no such file exists.
      assert.equal(evaluateCommand('cat src/*', defaults, at).action, 'run');
      assert.equal(evaluateCommand('git diff ./*', defaults, at).action, 'run');
      assert.equal(judge('cat *.md').action, 'run');
    } finally {
      await hostile.cleanup();
    }
  });

  it('applies the option checks to the user’s own entries', () => {
    const lists = { allow: ['git', 'npm', 'wc', 'cd', 'find', 'sort'], deny: [] };
    for (const line of ['git -c core.pager=x log', 'git difftool', 'git config core.pager x', 'npm test --prefix=/x', 'wc --files0-from=x', 'cd', 'cd -', 'cd ../outside', 'find . -delete', 'find . -exec touch {} ;', 'sort -o x y', 'sort --compress-program=x y']) {
      assert.notEqual(evaluateCommand(line, lists, context).action, 'run', line);
    }
    assert.notEqual(evaluateCommand('/usr/bin/git diff --output=x', { allow: ['/usr/bin/git diff'], deny: [] }, context).action, 'run');
    assert.equal(evaluateCommand('git branch -a', lists, context).action, 'run');
    assert.equal(evaluateCommand('cd src', lists, context).action, 'run');
  });

  it('without a context, judges paths lexically from the working directory', () => {
    assert.notEqual(evaluateCommand('cat ../x', defaults).action, 'run');
    assert.notEqual(evaluateCommand('cat /etc/passwd', defaults).action, 'run');
    assert.equal(evaluateCommand('cat src/a.ts', defaults).action, 'run');
  });
});

describe('command policy: what runs is what was judged', () => {
  let ws: ToolWorkspace;

  before(async () => {
    ws = await makeToolWorkspace({ 'a b.md': '', 'c.md': '', 'd.txt': '' });
  });

  after(async () => {
    await ws.cleanup();
  });

  /** Runs the verdict's exec line with real /bin/sh in the workspace; `printf` prints one argument per line. */
  function runExec(line: string): string[] {
    const v = evaluateCommand(line, { allow: ['printf'], deny: DEFAULT_COMMAND_DENY_LIST }, { roots: [ws.root], cwd: ws.root });
    assert.equal(v.action, 'run', `${JSON.stringify(line)}: ${JSON.stringify(v)}`);
    assert.ok(v.action === 'run' && v.exec, 'a run verdict carries the line to execute');
    const out = execFileSync('/bin/sh', ['-c', v.exec], { cwd: ws.root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    return out.split('\n').slice(0, -1);
  }

  it('keeps quoted text as one literal word each', () => {
    assert.deepEqual(runExec(`printf '%s\\n' 'a  b' "c \\$d" e\\ f "g'h" ''`), ['a  b', 'c $d', 'e f', "g'h", '']);
  });

  it('keeps globs as globs and quoted stars as text', () => {
    assert.deepEqual(runExec(`printf '%s\\n' *.md '*.md' "x"*.txt`), ['a b.md', 'c.md', '*.md', 'x*.txt']);
    assert.deepEqual(runExec(`printf '%s\\n' [cd].*`), ['c.md', 'd.txt']);
  });

  it('keeps what looks like syntax as text', () => {
    assert.deepEqual(runExec(`printf '%s\\n' 'if' 'x=1' '#not-a-comment' ';' '&&' '~' '{a,b}' a=~`), ['if', 'x=1', '#not-a-comment', ';', '&&', '~', '{a,b}', 'a=~']);
  });

  it('keeps the structure: pipes, lists and subshells', () => {
    assert.deepEqual(runExec(`printf '%s\\n' one | printf '%s\\n' two && (printf '%s\\n' three; printf '%s\\n' four) 2>&1 # comment`), ['two', 'three', 'four']);
  });

  it('drops comments and joins continued lines the way the policy read them', () => {
    assert.deepEqual(runExec(`printf '%s\\n' a \\\n  b # c ; touch pwned`), ['a', 'b']);
  });
});
