/**
 * The standard grpc.health.v1.Health service (Check, Watch, List), from the
 * upstream health.proto, so Kubernetes probes and grpc-health-probe work
 * unchanged. It is implemented here rather than with grpc-health-check's
 * class because that package reads its .proto from disk next to its own
 * files, which a bundled dist/agent-host.js does not have.
 */
import { status, type sendUnaryData, type Server, type ServerUnaryCall, type ServerWritableStream, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { healthPackage } from '../../../protocol/grpc/loadProtos';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

export class HealthService {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Map<string, Set<ServerWritableStream<unknown, unknown>>>();

  constructor(services: string[]) {
    for (const s of ['', ...services]) this.statuses.set(s, 'SERVING');
  }

  set(service: string, value: ServingStatus): void {
    this.statuses.set(service, value);
    for (const w of this.watchers.get(service) ?? []) w.write({ status: value });
  }

  setAll(value: ServingStatus): void {
    for (const s of [...this.statuses.keys()]) this.set(s, value);
  }

  addToServer(server: Server): void {
    const def = healthPackage()['grpc.health.v1.Health'] as ServiceDefinition;
    const impl: UntypedServiceImplementation = {
      Check: (call: ServerUnaryCall<{ service: string }, unknown>, callback: sendUnaryData<unknown>) => {
        const s = this.statuses.get(call.request.service);
        if (!s) callback({ code: status.NOT_FOUND, details: `Unknown service ${call.request.service}` });
        else callback(null, { status: s });
      },
      Watch: (call: ServerWritableStream<{ service: string }, unknown>) => {
        const service = call.request.service;
        call.write({ status: this.statuses.get(service) ?? 'SERVICE_UNKNOWN' });
        const set = this.watchers.get(service) ?? new Set();
        set.add(call);
        this.watchers.set(service, set);
        call.on('cancelled', () => set.delete(call));
      },
      List: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        callback(null, { statuses: Object.fromEntries([...this.statuses].map(([k, v]) => [k, { status: v }])) });
      },
    };
    server.addService(def, impl);
  }

  /** Ends Watch streams so a shutting-down server has no open calls of its own. */
  close(): void {
    for (const set of this.watchers.values()) for (const w of set) w.end();
    this.watchers.clear();
  }
}
