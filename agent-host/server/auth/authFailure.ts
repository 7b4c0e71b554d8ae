import { status } from '@grpc/grpc-js';

/**
 * A refused credential. UNAUTHENTICATED means "sign in (again)";
 * PERMISSION_DENIED means the credential was valid but is not allowed any more.
 * The message tells the user what to do and never echoes the credential.
 */
export class AuthFailure extends Error {
  constructor(readonly code: status.UNAUTHENTICATED | status.PERMISSION_DENIED, message: string, readonly reason: string) {
    super(message);
    this.name = 'AuthFailure';
  }
}

export function unauthenticated(reason: string, message: string): AuthFailure {
  return new AuthFailure(status.UNAUTHENTICATED, message, reason);
}

export function permissionDenied(reason: string, message: string): AuthFailure {
  return new AuthFailure(status.PERMISSION_DENIED, message, reason);
}
