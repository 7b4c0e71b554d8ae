import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/**
 * The HTTP status that makes a client fall back from Streamable HTTP to the
 * older HTTP+SSE transport, or undefined. The MCP specification's
 * backwards-compatibility section: POST the InitializeRequest to the server
 * URL; if that fails with 400, 404 or 405, GET the same URL and expect an SSE
 * stream whose first event is `endpoint`. Any other failure (refused,
 * 401, 500, a timeout) is the server's answer, not a sign of the old transport.
 */
export function sseFallbackStatus(err: unknown): number | undefined {
  return err instanceof StreamableHTTPError && (err.code === 400 || err.code === 404 || err.code === 405) ? err.code : undefined;
}

/**
 * What the user reads when neither transport connected: both attempts and how
 * each failed. A sign-in the SSE attempt needs passes through unchanged (the
 * connection asks the user), and so does a permanent failure's flag (a URL
 * that cannot work is not retried on a timer).
 */
export function neitherTransportWorked(status: number, sseError: unknown): unknown {
  if (sseError instanceof UnauthorizedError) return sseError;
  const detail = sseError instanceof Error ? sseError.message : String(sseError);
  const error = new Error(
    `neither MCP transport worked: Streamable HTTP (POST of initialize) got HTTP ${status}, and the older HTTP+SSE transport (GET of an event stream) failed: ${detail}. Check the URL: ` +
      'Streamable HTTP servers usually end in /mcp, HTTP+SSE servers in /sse',
  );
  return (sseError as { permanent?: unknown } | undefined)?.permanent === true ? Object.assign(error, { permanent: true }) : error;
}

/**
 * The SDK's refusal of an `endpoint` event on another origin, in words the
 * user can act on. It is permanent: a server that tries to send Hearth's
 * messages (with the configured headers and tokens) elsewhere is not retried.
 */
export function explainSseFailure(err: unknown): unknown {
  const match = err instanceof Error ? /^Endpoint origin does not match connection origin: (.*)$/.exec(err.message) : null;
  if (!match) return err;
  return Object.assign(
    new Error(`its HTTP+SSE "endpoint" event told Hearth to POST its messages to another origin (${match[1]}); Hearth sends them only to the origin of the configured URL, so it refused the server`),
    { permanent: true },
  );
}
