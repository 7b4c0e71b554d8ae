import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/** An RPC failure with a gRPC status, a message for the user and optional trailers (retry hints). */
export class ServiceFailure extends Error {
  constructor(readonly code: status, message: string, readonly trailers: Record<string, string> = {}) {
    super(message);
    this.name = 'ServiceFailure';
  }

  toServiceError(): Partial<ServiceError> {
    const metadata = new Metadata();
    for (const [k, v] of Object.entries(this.trailers)) metadata.set(k, v);
    return { code: this.code, details: this.message, metadata };
  }
}

/** RESOURCE_EXHAUSTED with the `retry-after-ms` trailer clients use for backoff. */
export function exhausted(message: string, retryAfterMs: number): ServiceFailure {
  return new ServiceFailure(status.RESOURCE_EXHAUSTED, message, { 'retry-after-ms': String(Math.max(0, Math.round(retryAfterMs))) });
}
