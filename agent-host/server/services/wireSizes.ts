import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * The size on the wire of decoded request messages, for the methods whose
 * requests can be large (a chat turn's start message carries its whole
 * history): recorded by the service's own deserializer, so nothing is
 * encoded again to measure it.
 */
const sizes = new WeakMap<object, number>();

/** A copy of `service` whose `methods` record each request's size (see `wireSize`). */
export function measuringRequests(service: ServiceDefinition, methods: readonly string[]): ServiceDefinition {
  const measured = (method: MethodDefinition<object, unknown>): MethodDefinition<object, unknown> => ({
    ...method,
    requestDeserialize: (buffer: Buffer) => {
      const message = method.requestDeserialize(buffer);
      if (typeof message === 'object' && message !== null) sizes.set(message, buffer.length);
      return message;
    },
  });
  return Object.fromEntries(Object.entries(service).map(([name, method]) => [name, methods.includes(name) ? measured(method as MethodDefinition<object, unknown>) : method])) as ServiceDefinition;
}

/** The recorded size of a request message, or undefined when it was not measured. */
export function wireSize(message: object): number | undefined {
  return sizes.get(message);
}
