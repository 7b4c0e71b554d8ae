import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const CALLBACK_PATH = '/callback';

function page(title: string, body: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${escape(title)}</title><body style="font-family:sans-serif;margin:3em"><h2>${escape(title)}</h2><p>${escape(body)}</p></body>`;
}

/** The authorization server sent the browser back with an error (the user refused, or the request was bad). */
export class AuthorizationRefused extends Error {}

interface Waiter {
  state: string;
  resolve(code: string): void;
  reject(err: Error): void;
}

/**
 * The redirect target of an OAuth sign-in (RFC 8252 §7.3, loopback
 * interface redirection): an HTTP listener on 127.0.0.1 only, on a port the
 * OS picks (or the one an earlier registration named, when it is free).
 * It hands over the `code` of a redirect whose `state` matches the pending
 * sign-in's and refuses any other, so a page that guesses the port cannot
 * inject its own authorization code.
 */
export class LoopbackRedirect {
  private server?: Server;
  private port?: number;
  private waiter?: Waiter;

  /** The redirect URI while listening. */
  get redirectUrl(): string | undefined {
    return this.port === undefined ? undefined : `http://127.0.0.1:${this.port}${CALLBACK_PATH}`;
  }

  /** Starts listening, on `preferredPort` if it is free and otherwise on any free port. */
  async listen(preferredPort?: number): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const reply = (status: number, title: string, body: string) => {
        res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(page(title, body));
      };
      if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) return reply(404, 'Not found', 'This address only receives Hearth\'s MCP sign-in.');
      const waiter = this.waiter;
      const state = url.searchParams.get('state');
      if (!waiter || state !== waiter.state) {
        // Not the sign-in Hearth started: refused, and the pending one keeps waiting for its own redirect.
        return reply(400, 'Sign-in refused', 'This sign-in response does not belong to a sign-in Hearth started (its state does not match), so Hearth ignored it.');
      }
      this.waiter = undefined;
      const error = url.searchParams.get('error');
      const code = url.searchParams.get('code');
      if (error || !code) {
        const description = url.searchParams.get('error_description');
        reply(200, 'Sign-in not completed', `The authorization server answered: ${error ?? 'no authorization code'}${description ? ` (${description})` : ''}. You can close this tab.`);
        waiter.reject(new AuthorizationRefused(`the authorization server did not grant access: ${error ?? 'no authorization code'}${description ? ` (${description.slice(0, 200)})` : ''}`));
        return;
      }
      reply(200, 'Signed in', 'Hearth received the sign-in. You can close this tab and return to VS Code.');
      waiter.resolve(code);
    });
    const bind = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    try {
      await bind(preferredPort ?? 0);
    } catch (err) {
      if (preferredPort === undefined) throw err;
      await bind(0);
    }
    server.unref();
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Resolves with the authorization code of the redirect carrying `state`; rejects on timeout, abort or an error redirect. */
  waitForCode(state: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
    this.waiter?.reject(new Error('another sign-in started'));
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.waiter === waiter) this.waiter = undefined;
      };
      const waiter: Waiter = {
        state,
        resolve: (code) => {
          done();
          resolve(code);
        },
        reject: (err) => {
          done();
          reject(err);
        },
      };
      const timer = setTimeout(() => waiter.reject(new Error(`the browser did not come back from sign-in within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      const onAbort = () => waiter.reject(new Error('the sign-in was cancelled'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = waiter;
    });
  }

  async close(): Promise<void> {
    this.waiter?.reject(new Error('the sign-in was cancelled'));
    const server = this.server;
    this.server = undefined;
    this.port = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
