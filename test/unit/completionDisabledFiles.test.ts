/**
 * `hearth.completion.disabledFiles`: which documents inline suggestions stay
 * out of (and never show to the model as another file's context).
 */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { disabledFileMatcher } from '../../language-server/completion/disabledFileMatcher';
import { COMPLETION_DEFAULTS, toSettings } from '../../language-server/settings/settingsReader';

const root = path.join(os.tmpdir(), 'hearth-disabled-files', 'project');
const uriOf = (relative: string) => pathToFileURL(path.join(root, relative)).toString();

describe('hearth.completion.disabledFiles', () => {
  const byDefault = disabledFileMatcher(COMPLETION_DEFAULTS.disabledFiles);
  const disabled = (relative: string) => byDefault(uriOf(relative), [root]);

  it('keeps suggestions out of common secrets files by default, at any depth', () => {
    for (const file of ['.env', 'services/api/.env', '.env.local', 'config/.env.production', '.env.example', 'deploy/prod.env', '.envrc', 'certs/server.pem', 'tls/server.key', 'id_rsa', 'keys/id_ed25519', 'client.p12', '.npmrc', 'packages/a/.npmrc', '.netrc', '.git-credentials', '.aws/credentials', 'credentials.json', 'gcp/credentials-prod.json', 'infra/prod.tfvars']) {
      assert.ok(disabled(file), `${file} should be excluded`);
    }
  });

  it('leaves ordinary source files alone, also ones whose names only look like secrets', () => {
    for (const file of ['src/area.ts', 'src/env.ts', 'src/credentials.ts', 'src/auth/credentials/store.ts', 'docs/keys.md', 'environment.yml', 'src/.envy.ts', 'README.md', 'keyboard.key.ts']) {
      assert.ok(!disabled(file), `${file} should not be excluded`);
    }
  });

  it('ignores case: on macOS and Windows .ENV is the same file as .env', () => {
    assert.ok(disabled('.ENV'));
    assert.ok(disabled('Certs/Server.PEM'));
  });

  it('matches a file outside every workspace folder by its absolute path, so ~/.ssh/id_rsa is covered', () => {
    const key = pathToFileURL(path.join(os.homedir(), '.ssh', 'id_rsa')).toString();
    assert.ok(byDefault(key, [root]));
    assert.ok(!byDefault(pathToFileURL(path.join(os.homedir(), 'notes', 'todo.ts')).toString(), [root]));
  });

  it('matches an untitled document by its name', () => {
    assert.ok(!byDefault('untitled:Untitled-1', [root]));
    assert.ok(disabledFileMatcher(['Untitled-*'])('untitled:Untitled-1', [root]));
    assert.ok(byDefault(`untitled:${encodeURI(path.join(root, '.env'))}`, [root]), 'a new file VS Code has already named .env');
  });

  it('anchors a pattern with a slash at the workspace folder; one without matches a name at any depth', () => {
    const matcher = disabledFileMatcher(['config/secrets/**', 'local.settings.json']);
    const matches = (relative: string) => matcher(uriOf(relative), [root]);
    assert.ok(matches('config/secrets/db.ts'));
    assert.ok(!matches('app/config/secrets/db.ts'));
    assert.ok(matches('functions/local.settings.json'));
    assert.ok(!matches('src/settings.json'));
  });

  it('covers every file in a folder that a pattern names, with or without a trailing slash', () => {
    for (const pattern of ['secrets', 'secrets/', 'config/secrets']) {
      const matcher = disabledFileMatcher([pattern]);
      assert.ok(matcher(uriOf('config/secrets/db/prod.ts'), [root]), pattern);
      assert.ok(!matcher(uriOf('config/secrets.ts'), [root]), pattern);
    }
    assert.ok(!disabledFileMatcher(['secrets/'])(uriOf('src/secrets'), [root]), 'a trailing slash names only a folder, not a file of that name');
  });

  it('matches relative to whichever workspace folder holds the file', () => {
    const other = path.join(os.tmpdir(), 'hearth-disabled-files', 'other');
    const matcher = disabledFileMatcher(['secrets/*']);
    assert.ok(matcher(pathToFileURL(path.join(other, 'secrets', 'token.ts')).toString(), [root, other]));
    assert.ok(!matcher(pathToFileURL(path.join(other, 'src', 'secrets', 'token.ts')).toString(), [root, other]));
  });

  it('covers a folder named .env whole (environment files kept in a folder), and `!.env/lib/**` gives a virtualenv of that name its suggestions back', () => {
    assert.ok(disabled('.env/production'));
    assert.ok(disabled('.env/lib/python3.12/site-packages/requests/api.py'));
    const withVirtualenv = disabledFileMatcher([...COMPLETION_DEFAULTS.disabledFiles, '!.env/lib/**']);
    assert.ok(!withVirtualenv(uriOf('.env/lib/python3.12/site-packages/requests/api.py'), [root]));
    assert.ok(withVirtualenv(uriOf('.env/production'), [root]), 'the exception reaches only the virtualenv\'s library folder');
  });

  it('lets a later ! pattern take a file back out, the last matching pattern deciding', () => {
    const matcher = disabledFileMatcher([...COMPLETION_DEFAULTS.disabledFiles, '!.env.example']);
    assert.ok(!matcher(uriOf('.env.example'), [root]));
    assert.ok(matcher(uriOf('.env.local'), [root]));
    const reExcluded = disabledFileMatcher(['**/.env.*', '!.env.example', 'deploy/.env.example']);
    assert.ok(reExcluded(uriOf('deploy/.env.example'), [root]));
    assert.ok(!reExcluded(uriOf('web/.env.example'), [root]));
  });

  it('excludes nothing with an empty list, and skips a pattern it cannot compile rather than disabling everything', () => {
    assert.ok(!disabledFileMatcher([])(uriOf('.env'), [root]));
    const tooManyAlternatives = '{a,b}'.repeat(9);
    const matcher = disabledFileMatcher([tooManyAlternatives, '**/.env']);
    assert.ok(matcher(uriOf('.env'), [root]));
    assert.ok(!matcher(uriOf('src/area.ts'), [root]));
  });

  it('is read from the settings as a list of strings; anything but a list gives the defaults', () => {
    assert.deepEqual(toSettings({}, {}).completion.disabledFiles, COMPLETION_DEFAULTS.disabledFiles);
    assert.deepEqual(toSettings({ completion: { disabledFiles: 'secrets/**' } }, {}).completion.disabledFiles, COMPLETION_DEFAULTS.disabledFiles);
    assert.deepEqual(toSettings({ completion: { disabledFiles: ['secrets/**', 7, '', ' *.local '] } }, {}).completion.disabledFiles, ['secrets/**', '*.local']);
    assert.deepEqual(toSettings({ completion: { disabledFiles: [] } }, {}).completion.disabledFiles, []);
  });
});
