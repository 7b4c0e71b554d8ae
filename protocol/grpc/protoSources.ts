/**
 * The text of the .proto files the team server and its clients load. esbuild
 * inlines each file into the bundles (the `.proto` text loader in
 * esbuild.mjs), so dist/ needs no .proto file at run time, and the health and
 * reflection protos are read from the packages that ship them rather than
 * copied into this repository.
 */
import HEARTH_PROTO from '../hearth.proto';
import HEALTH_PROTO from 'grpc-health-check/proto/health/v1/health.proto';
import REFLECTION_V1_PROTO from '@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto';
import REFLECTION_V1ALPHA_PROTO from '@grpc/reflection/build/proto/grpc/reflection/v1alpha/reflection.proto';

export { HEARTH_PROTO, HEALTH_PROTO, REFLECTION_V1_PROTO, REFLECTION_V1ALPHA_PROTO };
