/**
 * The scripted Ollama of an e2e file: started before the file's tests (and
 * before the workbench, whose settings name its URL), closed after them.
 */
import { startOllamaFixture, type OllamaFixture } from '../../fixtures/ollamaFixture';

type FixtureOptions = Parameters<typeof startOllamaFixture>[0];

/**
 * Registers the hooks and returns the fixture to use in the file's tests and
 * settings. It stands for the fixture the `before` hook starts (a test file
 * declares it at the top of its `describe`, before any hook has run), so
 * using it before then fails with a clear message instead of `undefined`.
 * Call it inside `describe`, before useHearthInVsCode.
 */
export function useOllamaFixture(options?: FixtureOptions): OllamaFixture {
  let started: OllamaFixture | undefined;
  before(async () => {
    started = await startOllamaFixture(options);
  });
  after(async () => started?.close());
  return new Proxy({} as OllamaFixture, {
    get(_target, key) {
      if (!started) throw new Error(`The scripted Ollama is not started yet (reading ${String(key)} outside a test or hook).`);
      const value: unknown = Reflect.get(started, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
}
