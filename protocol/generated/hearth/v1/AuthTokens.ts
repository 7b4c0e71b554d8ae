// Original file: protocol/hearth.proto

import type { Long } from '@grpc/proto-loader';

export interface AuthTokens {
  'access_token'?: (string);
  /**
   * Unix epoch milliseconds.
   */
  'access_expires_at_ms'?: (number | string | Long);
  'refresh_token'?: (string);
  'refresh_expires_at_ms'?: (number | string | Long);
  /**
   * The user name the API key maps to, for the status bar.
   */
  'user'?: (string);
}

export interface AuthTokens__Output {
  'access_token': (string);
  /**
   * Unix epoch milliseconds.
   */
  'access_expires_at_ms': (number);
  'refresh_token': (string);
  'refresh_expires_at_ms': (number);
  /**
   * The user name the API key maps to, for the status bar.
   */
  'user': (string);
}
