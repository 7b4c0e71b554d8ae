/**
 * gRPC server reflection (v1 and v1alpha), so grpcurl and similar tools can
 * list and call the services without the .proto file. @grpc/reflection does
 * the descriptor work; its own addToServer reads reflection.proto from disk,
 * which the bundles do not carry, so the service is registered here with the
 * embedded copy of that proto and delegates each request to the library.
 */
import type { Server, ServerDuplexStream, ServiceDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { reflectionPackages } from '../../../protocol/grpc/loadProtos';

interface ReflectionHandler {
  handleServerReflectionRequest(message: unknown): unknown;
}

export function addReflection(server: Server, described: PackageDefinition): void {
  const reflection = new ReflectionService(described) as unknown as { v1: ReflectionHandler; v1Alpha: ReflectionHandler };
  const packages = reflectionPackages();
  const register = (def: ServiceDefinition, impl: ReflectionHandler) => {
    server.addService(def, {
      ServerReflectionInfo: (stream: ServerDuplexStream<unknown, unknown>) => {
        stream.on('end', () => stream.end());
        stream.on('data', (message: unknown) => stream.write(impl.handleServerReflectionRequest(message)));
      },
    });
  };
  register(packages.v1['grpc.reflection.v1.ServerReflection'] as ServiceDefinition, reflection.v1);
  register(packages.v1alpha['grpc.reflection.v1alpha.ServerReflection'] as ServiceDefinition, reflection.v1Alpha);
}
