// Regenerates protocol/generated/ from protocol/hearth.proto:
//   - TypeScript types for every message and service (proto-loader-gen-types);
// (The proto text itself is inlined by esbuild: see protocol/grpc/protoSources.ts.)
// Run after editing protocol/hearth.proto:  node scripts/gen-proto.mjs
import { execFileSync } from 'node:child_process';
import { rmSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const out = 'protocol/generated';
rmSync(join(out, 'hearth'), { recursive: true, force: true });
mkdirSync(out, { recursive: true });

execFileSync(
  process.execPath,
  [
    require.resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js'),
    '--keepCase',
    '--longs=Number',
    '--enums=String',
    '--defaults',
    '--oneofs',
    '--includeComments',
    '--grpcLib=@grpc/grpc-js',
    '--includeDirs=protocol',
    `--outDir=${out}`,
    'hearth.proto',
  ],
  { stdio: 'inherit' },
);

console.log(`gen-proto: wrote ${out}`);
