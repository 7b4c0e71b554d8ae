import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full collection of this process's heap, now. A bench calls it just
 * before a measured window, while no turn is running, so that the full
 * collection its warm-up was heading for (a 40-60 ms pause) falls after.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
