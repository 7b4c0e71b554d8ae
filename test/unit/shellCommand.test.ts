/**
 * The shell command parser and the command policy built on it: which command
 * lines run without asking, which need approval, which are refused outright.
 */
import assert from 'node:assert/strict';
import { evaluateCommand } from '../../language-server/tools/commandPolicy';
import { parseShellCommand, splitPolicyEntry } from '../../language-server/tools/shellCommand';

function words(line: string): string[][] {
  const parsed = parseShellCommand(line);
  assert.ok(parsed.ok, `expected ${JSON.stringify(line)} to parse, got: ${parsed.ok ? '' : parsed.error}`);
  return parsed.commands.map((c) => c.words);
}

function failsToParse(line: string): string {
  const parsed = parseShellCommand(line);
  assert.equal(parsed.ok, false, `expected ${JSON.stringify(line)} not to parse`);
  return parsed.ok ? '' : parsed.error;
}

describe('shell command parser', () => {
  it('splits on && || ; | & and newlines', () => {
    assert.deepEqual(words('ls -la && npm test || echo failed; git status | cat & pwd\nwhoami'), [
      ['ls', '-la'],
      ['npm', 'test'],
      ['echo', 'failed'],
      ['git', 'status'],
      ['cat'],
      ['pwd'],
      ['whoami'],
    ]);
  });

  it('removes quotes and escapes, keeping quoted operators as text', () => {
    assert.deepEqual(words(`echo 'a && b' "c; d" e\\ f \\"g\\"`), [['echo', 'a && b', 'c; d', 'e f', '"g"']]);
    assert.deepEqual(words(`r''m -r"f" x`), [['rm', '-rf', 'x']]);
    assert.deepEqual(words('\\rm x'), [['rm', 'x']]);
  });

  it('finds commands inside subshells, $( ) and backticks, also inside double quotes', () => {
    const parsed = parseShellCommand('ls; (cd src && make) ; echo "$(date)" `whoami` $(uname -a)');
    assert.ok(parsed.ok);
    const all = parsed.commands.map((c) => `${c.depth}:${c.words.join(' ')}`).sort();
    assert.deepEqual(all, ['0:echo $(...) `...` $(...)', '0:ls', '1:cd src', '1:date', '1:make', '1:uname -a', '1:whoami'].sort());
  });

  it('records redirections with their targets', () => {
    const [command] = parseShellCommand('npm test > out.log 2>&1 < /dev/null').commands;
    assert.deepEqual(command.words, ['npm', 'test']);
    assert.deepEqual(
      command.redirections.map((r) => [r.fd, r.op, r.target]),
      [
        [undefined, '>', 'out.log'],
        [2, '>&', '1'],
        [undefined, '<', '/dev/null'],
      ],
    );
  });

  it('separates NAME=value prefixes from the command', () => {
    const [command] = parseShellCommand('NODE_ENV=test FOO="a b" npm test').commands;
    assert.deepEqual(command.assignments, [
      { name: 'NODE_ENV', value: 'test' },
      { name: 'FOO', value: 'a b' },
    ]);
    assert.deepEqual(command.words, ['npm', 'test']);
  });

  it('marks command names computed at run time', () => {
    assert.equal(parseShellCommand('$X -rf /').commands[0].dynamicName, true);
    assert.equal(parseShellCommand('"${CMD}" a').commands[0].dynamicName, true);
    assert.equal(parseShellCommand('$(echo rm) x').commands.find((c) => c.depth === 0)?.dynamicName, true);
    assert.equal(parseShellCommand('/bin/r? x').commands[0].dynamicName, true);
    assert.equal(parseShellCommand('echo $HOME').commands[0].dynamicName, false);
  });

  it('ignores comments and joins backslash-newline continuations', () => {
    assert.deepEqual(words('ls # rm -rf /\necho a \\\n b'), [['ls'], ['echo', 'a', 'b']]);
  });

  it('fails on what it cannot check', () => {
    assert.match(failsToParse(`echo 'unclosed`), /single quote/);
    assert.match(failsToParse('echo "unclosed'), /double quote/);
    assert.match(failsToParse('echo `unclosed'), /backquote/);
    assert.match(failsToParse('(ls'), /never closed/);
    assert.match(failsToParse('cat <<EOF\nhi\nEOF'), /here-documents/);
    assert.match(failsToParse('if true; then ls; fi'), /keyword "if"/);
    assert.match(failsToParse('{ ls; }'), /keyword "\{"/);
    assert.match(failsToParse('echo $((1+2))'), /arithmetic/);
    assert.match(failsToParse('f() { ls; }'), /function definition/);
    assert.match(failsToParse('ls &&'), /ends with an operator/);
    assert.match(failsToParse('&& ls'), /syntax error/);
    assert.match(failsToParse('ls ;; ls'), /not supported/);
    assert.match(failsToParse('diff <(ls a) <(ls b)'), /process substitution/);
    assert.match(failsToParse('echo ${X:-$(rm -rf /)}'), /nested expansions/);
    assert.match(failsToParse('( '.repeat(100) + 'ls' + ' )'.repeat(100)), /nested too deeply/);
  });

  it("reads bash's $'...' quoting the way bash decodes it, and marks it as read differently by dash", () => {
    const [command] = parseShellCommand(`echo $'\\x41\\102' x`).commands;
    assert.deepEqual(command.words, ['echo', 'AB', 'x']);
    assert.match(command.node.words[1].unusual ?? '', /dash/);
  });

  it('refuses characters dash reads differently from how they look', () => {
    assert.match(failsToParse('ls \r# ; touch x'), /carriage return/);
    assert.match(failsToParse('ls\u00a0x'), /no-break space/);
    assert.match(failsToParse('ls 10>x'), /file descriptor/);
    assert.match(failsToParse('((ls))'), /arithmetic in bash/);
  });

  it('keeps the structure of the line: lists, pipelines, subshells', () => {
    const parsed = parseShellCommand('a | b && (c; d) > /dev/null &\ne');
    assert.ok(parsed.ok);
    const shape = parsed.program.items.map((item) => ({
      separator: item.separator,
      commands: item.pipeline.commands.map((c) => (c.kind === 'simple' ? c.words.map((w) => w.value).join(' ') : `(${c.body.items.length} items, ${c.redirections.length} redirection)`)),
    }));
    assert.deepEqual(shape, [
      { separator: '&&', commands: ['a', 'b'] },
      { separator: '&', commands: ['(2 items, 1 redirection)'] },
      { separator: ';', commands: ['e'] },
    ]);
  });

  it('splits policy entries into words', () => {
    assert.deepEqual(splitPolicyEntry('  npm   test '), ['npm', 'test']);
    assert.deepEqual(splitPolicyEntry(`git commit -m 'x y'`), ['git', 'commit', '-m', 'x y']);
  });
});

describe('command policy', () => {
  const lists = { allow: ['ls', 'npm test', 'git status', 'echo', 'cat', 'grep'], deny: ['rm -rf', 'curl', 'sudo', 'git push --force'] };
  const verdict = (line: string) => evaluateCommand(line, lists);

  it('runs without asking only when every simple command is allow-listed', () => {
    assert.deepEqual(verdict('ls -la'), { action: 'run', exec: 'ls -la' });
    assert.deepEqual(verdict('npm test -- --grep foo'), { action: 'run', exec: 'npm test -- --grep foo' });
    assert.deepEqual(verdict('git status && ls src | grep ts'), { action: 'run', exec: 'git status && ls src | grep ts' });
    assert.deepEqual(verdict('echo "a b" 2>&1 >/dev/null'), { action: 'run', exec: "echo 'a b' 2>&1 > /dev/null" });
    assert.deepEqual(verdict('NODE_ENV=test npm test'), { action: 'run', exec: "NODE_ENV=test npm test" });
    // A substitution's output is only known when it runs, so it could name anything: it asks now.
    assert.equal(verdict('echo "$(ls)"').action, 'ask');
  });

  it('matches allow-list entries as whole-word prefixes', () => {
    assert.equal(verdict('npm install').action, 'ask');
    assert.equal(verdict('npm testx').action, 'ask');
    assert.equal(verdict('git push').action, 'ask');
    assert.equal(verdict('lsblk').action, 'ask');
    assert.equal(verdict('/bin/ls').action, 'ask', 'a path is not the allow-listed name');
  });

  it('asks for any part that is not allow-listed, saying which', () => {
    const v = verdict('ls && make install');
    assert.deepEqual(v, { action: 'ask', reason: '`make install` is not in your allow-list', reasons: ['`make install` is not in your allow-list'], network: false, installs: false });
    assert.equal(verdict('ls; (make)').action, 'ask');
    assert.equal(verdict('echo $(whoami)').action, 'ask');
    assert.equal(verdict('echo `id`').action, 'ask');
  });

  it('asks for what the allow-list prefix does not show', () => {
    assert.match((verdict('echo hi > notes.txt') as { reason: string }).reason, /writes to `notes.txt`/);
    assert.match((verdict('ls >> .vscode/settings.json') as { reason: string }).reason, /redirection/);
    assert.match((verdict('PATH=/tmp/evil ls') as { reason: string }).reason, /sets `PATH`/);
    assert.match((verdict('LD_PRELOAD=/tmp/x.so ls') as { reason: string }).reason, /LD_PRELOAD/);
    assert.match((verdict('X=1; ls') as { reason: string }).reason, /sets `X`/);
    assert.match((evaluateCommand('$X -la', { allow: lists.allow, deny: [] }) as { reason: string }).reason, /only known when it runs/);
    // With a deny-list, a name only known at run time could be a denied command: refused.
    assert.deepEqual(verdict('$X -la'), { action: 'deny', reason: 'the command name `$X` is only known at run time and could be `rm` (deny-list `rm -rf`)' });
    assert.match((verdict('ls | sh') as { reason: string }).reason, /`sh` runs code/);
    assert.match((verdict('eval ls') as { reason: string }).reason, /`eval` runs code/);
    assert.match((verdict('. ./env.sh') as { reason: string }).reason, /`\.` runs code/);
    assert.match((verdict('cat <<EOF\nx\nEOF') as { reason: string }).reason, /cannot be checked automatically.*here-documents/);
  });

  it('always asks for shells, even when allow-listed', () => {
    assert.equal(evaluateCommand('bash -c ls', { allow: ['bash'], deny: [] }).action, 'ask');
  });

  it('refuses deny-listed commands anywhere, before the allow-list is considered', () => {
    const denied = [
      'rm -rf /',
      'ls && rm -rf /',
      'ls; rm -fr build',
      'ls || rm -r -f x',
      'rm --recursive --force x',
      '/bin/rm -rf x',
      'echo $(curl https://x)',
      'echo "`sudo id`"',
      'ls; (rm -rf .)',
      'ls\ncurl x',
      'env FOO=1 rm -rf /',
      'xargs rm -rf < list',
      'timeout 5 curl x',
      'find . -name x -exec rm -rf {} +',
      `sh -c 'ls; rm -rf /'`,
      `bash -lc "curl x | sh"`,
      'eval "sudo ls"',
      'git push origin main --force',
      'cat <<EOF | sh\nrm -rf /\nEOF',
      'echo $((1)); curl x',
      'CURL x',
    ];
    for (const line of denied) assert.equal(verdict(line).action, 'deny', `expected deny: ${JSON.stringify(line)}`);
    assert.deepEqual(verdict('ls && rm -rf /'), { action: 'deny', reason: '`rm -rf /` matches your deny-list entry `rm -rf`' });
  });

  it('does not deny look-alikes', () => {
    assert.equal(verdict('rm -r build').action, 'ask');
    assert.equal(verdict('echo rm -rf').action, 'run', 'an argument that spells a command does not run it');
    assert.equal(verdict(`echo 'curl x'`).action, 'run');
    assert.equal(verdict('git push origin main').action, 'ask');
    assert.equal(verdict('grep -r curl src').action, 'run');
  });

  it('asks for an empty command', () => {
    assert.equal(verdict('   ').action, 'ask');
  });
});
