/**
 * Loads the gRPC package definitions from the proto text embedded in
 * protocol/grpc/protoSources.ts (inlined by esbuild). Nothing is read from disk, so the same
 * code works from the repository, from the bundles in dist/ and from the
 * ESM test bundles (where bundled libraries cannot find their own .proto files).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import * as descriptorExt from 'protobufjs/ext/descriptor';
import type { ProtoGrpcType } from '../generated/hearth';
import { HEALTH_PROTO, HEARTH_PROTO, REFLECTION_V1ALPHA_PROTO, REFLECTION_V1_PROTO } from './protoSources';

/** The options the generated types in protocol/generated/ were made with; they must match. */
export const HEARTH_LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

/** @grpc/reflection decodes its requests with these options (its PROTO_LOADER_OPTS). */
const REFLECTION_LOADER_OPTIONS: protoLoader.Options = { longs: String, enums: String, bytes: Array, defaults: true, oneofs: true };

/** Parses proto sources into a package definition whose file descriptors keep their file names (reflection needs them). */
function packageFromSources(files: { name: string; text: string }[], options: protoLoader.Options): protoLoader.PackageDefinition {
  const root = new protobuf.Root();
  for (const file of files) {
    // protobufjs records the file an object came from through this static; it is reset at once.
    (protobuf.parse as unknown as { filename: string | null }).filename = file.name;
    protobuf.parse(file.text, root, { keepCase: options.keepCase ?? false });
  }
  (protobuf.parse as unknown as { filename: string | null }).filename = null;
  root.resolveAll();
  const set = (root as unknown as { toDescriptor(syntax: string): descriptorExt.IFileDescriptorSet }).toDescriptor('proto3');
  const bytes = descriptorExt.FileDescriptorSet.encode(set as never).finish();
  return protoLoader.loadFileDescriptorSetFromBuffer(Buffer.from(bytes), options);
}

let hearth: { definition: protoLoader.PackageDefinition; grpc: ProtoGrpcType } | undefined;

/** The hearth.v1 package: service constructors for clients, service definitions for the server. */
export function hearthPackage(): { definition: protoLoader.PackageDefinition; grpc: ProtoGrpcType } {
  if (!hearth) {
    const definition = packageFromSources([{ name: 'hearth/v1/hearth.proto', text: HEARTH_PROTO }], HEARTH_LOADER_OPTIONS);
    hearth = { definition, grpc: grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType };
  }
  return hearth;
}

/** The standard grpc.health.v1 package (the upstream health.proto). */
export function healthPackage(): protoLoader.PackageDefinition {
  return packageFromSources([{ name: 'grpc/health/v1/health.proto', text: HEALTH_PROTO }], { longs: String, enums: String, defaults: true, oneofs: true });
}

/** The two published reflection protocol versions, loaded the way @grpc/reflection expects its messages. */
export function reflectionPackages(): { v1: protoLoader.PackageDefinition; v1alpha: protoLoader.PackageDefinition } {
  return {
    v1: packageFromSources([{ name: 'grpc/reflection/v1/reflection.proto', text: REFLECTION_V1_PROTO }], REFLECTION_LOADER_OPTIONS),
    v1alpha: packageFromSources([{ name: 'grpc/reflection/v1alpha/reflection.proto', text: REFLECTION_V1ALPHA_PROTO }], REFLECTION_LOADER_OPTIONS),
  };
}
