/** Chooses the shared state store from `state.store` in the server config. */
import type { ServerConfig } from '../config/serverConfig';
import type { Logger } from '../ops/logger';
import { createMemoryState } from './memoryState';
import { createRedisState } from './redisState';
import type { SharedState } from './sharedState';

export async function createSharedState(config: ServerConfig['state'], logger: Logger): Promise<SharedState> {
  if (config.store !== 'redis') return createMemoryState();
  return createRedisState({ url: config.redisUrl, password: config.redisPassword || undefined, keyPrefix: config.keyPrefix, slotLeaseTtlMs: config.slotLeaseTtlMs, logger });
}
