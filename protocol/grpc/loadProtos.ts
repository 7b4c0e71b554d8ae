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

/**
 * protobufjs names a map field's entry message after the field ("Statuses")
 * where protoc and every descriptor consumer expect "<Field>Entry"
 * ("StatusesEntry"); a reflection client that validates descriptors would
 * refuse the file. Renames the entries and the fields' references to them.
 */
function fixMapEntryNames(message: descriptorExt.IDescriptorProto): void {
  const nested = message.nestedType ?? [];
  for (const entry of nested) {
    if (!entry.options?.mapEntry) continue;
    const field = message.field?.find((f) => f.typeName === entry.name);
    if (!field?.name) continue;
    const name = `${field.name.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}Entry`;
    entry.name = name;
    field.typeName = name;
  }
  for (const child of nested) fixMapEntryNames(child);
}

/**
 * Parses proto sources into a package definition. The serializers come from
 * the parsed types themselves: a round trip through a FileDescriptorSet
 * (proto-loader's loadFileDescriptorSetFromBuffer) turns every `map` field into
 * a repeated entry message, so a handler that answers with a map (the health
 * service's List) failed with "Error serializing response" (and the
 * reloaded types described HealthListResponse itself as a map entry). The
 * file descriptors that reflection serves are made from the same parsed
 * types, with map entries named as protoc names them.
 */
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
  for (const file of set.file) for (const message of file.messageType ?? []) fixMapEntryNames(message);
  const fileDescriptorProtos = set.file.map((file) => Buffer.from(descriptorExt.FileDescriptorProto.encode(file as never).finish()));
  const definition = protoLoader.fromJSON(root.toJSON(), options);
  // Reflection serves these descriptors: replace fromJSON's own, which carry protobufjs's entry names.
  const named = (def: { fileDescriptorProtos?: Buffer[] }) => {
    if (Array.isArray(def.fileDescriptorProtos)) def.fileDescriptorProtos = fileDescriptorProtos;
  };
  for (const def of Object.values(definition)) {
    if ('format' in def) named(def);
    else {
      for (const method of Object.values(def)) {
        named(method.requestType);
        named(method.responseType);
      }
    }
  }
  return definition;
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
