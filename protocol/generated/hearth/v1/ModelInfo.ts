// Original file: protocol/hearth.proto

import type { Long } from '@grpc/proto-loader';

export interface ModelInfo {
  'name'?: (string);
  'size_bytes'?: (number | string | Long);
  'family'?: (string);
  'parameter_size'?: (string);
  'quantization'?: (string);
  'modified_at'?: (string);
  '_size_bytes'?: "size_bytes";
}

export interface ModelInfo__Output {
  'name': (string);
  'size_bytes'?: (number);
  'family': (string);
  'parameter_size': (string);
  'quantization': (string);
  'modified_at': (string);
  '_size_bytes'?: "size_bytes";
}
