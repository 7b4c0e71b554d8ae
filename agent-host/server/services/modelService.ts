import { status } from '@grpc/grpc-js';
import type { ListModelsResponse } from '../../../protocol/generated/hearth/v1/ListModelsResponse';
import { encodeModelInfo } from '../../../protocol/grpc/encodeChat';
import { HearthException, type Agent } from '../../index';
import { ServiceFailure } from './serviceFailure';

/** ModelService.List: the union of the models every backend has (through the model router, as the agent sees them). */
export async function listModels(agent: Agent, signal: AbortSignal): Promise<ListModelsResponse> {
  try {
    const models = await agent.listModels(signal);
    return { models: models.map(encodeModelInfo) };
  } catch (err) {
    const message = err instanceof HearthException ? err.error.message : (err as Error).message;
    throw new ServiceFailure(status.UNAVAILABLE, `The team server could not list its models: ${message}`);
  }
}
