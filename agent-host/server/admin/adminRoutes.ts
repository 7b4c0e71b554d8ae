/**
 * The admin page's HTTP routes, served under /admin next to /metrics:
 *   GET  /admin/            the dashboard (signed in) or the sign-in form (401)
 *   POST /admin/login       form field `key`; sets the session cookie
 *   POST /admin/logout      ends the session
 *   GET  /admin/api/stats   the dashboard's JSON (session cookie or `Authorization: Bearer <admin key>`)
 * Every answer forbids caching and framing, and pages carry a strict
 * Content-Security-Policy: one script and one style block, each allowed by a
 * per-response nonce, no other source. Nothing user-controlled is put into
 * HTML here: the page's script fills the dashboard with textContent.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import ADMIN_PAGE from './adminPage.html';
import { ADMIN_COOKIE, AdminStoreUnavailable, type AdminAuth } from './adminAuth';
import { throttleKey } from '../auth/throttleKey';
import { clientAddress, parseTrustedProxies, type TrustedProxies } from './clientAddress';
import { hostHeaderAllowed, hostNames } from '../ops/hostHeaderAllowed';

export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const MAX_FORM_BYTES = 4096;

const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on the page's own form posts, which the origin check would refuse.
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function csp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  return match?.[1];
}

/** A form posted from another site is refused: the page's own forms always send a same-origin Origin. */
function sameOrigin(req: IncomingMessage): boolean {
  if (req.headers['sec-fetch-site'] && req.headers['sec-fetch-site'] !== 'same-origin' && req.headers['sec-fetch-site'] !== 'none') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`;
}

function sendPage(res: ServerResponse, status: number, view: 'login' | 'dashboard', message = '', headers: Record<string, string> = {}): void {
  const nonce = randomBytes(18).toString('base64');
  // The message is one of the admin page's fixed sentences (here and in adminAuth.ts), never anything a client sent.
  const html = ADMIN_PAGE.replaceAll('{{NONCE}}', nonce).replace('{{VIEW}}', view).replace('{{MESSAGE}}', () => message);
  res.writeHead(status, { ...COMMON_HEADERS, ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp(nonce) });
  res.end(html);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...COMMON_HEADERS, ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'" });
  res.end(JSON.stringify(value));
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...COMMON_HEADERS, ...headers, Location: location });
  res.end();
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', () => resolve(undefined));
  });
}

function retryText(ms: number): string {
  return `Too many failed sign-ins from this address; try again in ${Math.ceil(ms / 60_000)} min.`;
}

/**
 * Routes for /admin. Returns false for any other path, so the caller can
 * answer it (/metrics). `stats` builds the dashboard's JSON on each poll.
 */
export function adminRoutes(auth: AdminAuth, stats: () => unknown, hosts: readonly string[] = [], proxies: TrustedProxies = parseTrustedProxies('')): AdminHandler {
  // Failures are counted per address, an IPv6 client per /64 (throttleKey), so one host cannot pick a fresh budget per guess.
  const addressOf = (req: IncomingMessage) => throttleKey(clientAddress(req, proxies));
  const names = hostNames(hosts);
  // Behind a TLS proxy the cookie is also Secure; a forged header could only keep a browser from sending its own cookie over HTTP.
  const cookie = (req: IncomingMessage, value: string, maxAge: number) =>
    `${ADMIN_COOKIE}=${value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : ''}`;

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!sameOrigin(req)) return sendPage(res, 403, 'login', 'Sign in from the admin page itself.');
    const form = await readForm(req);
    const outcome = await auth.login(form?.get('key') ?? '', addressOf(req));
    if (outcome.ok) return redirect(res, '/admin/', { 'Set-Cookie': cookie(req, outcome.sessionId, outcome.maxAgeSeconds) });
    if (outcome.retryAfterMs) return sendPage(res, 429, 'login', retryText(outcome.retryAfterMs), { 'Retry-After': String(Math.ceil(outcome.retryAfterMs / 1000)) });
    sendPage(res, 401, 'login', 'That is not the admin key. It is in the server’s configuration (admin.key_hash) as a hash; a developer’s API key does not open this page.');
  }

  async function api(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let allowed = await auth.hasSession(cookieOf(req, ADMIN_COOKIE));
    const key = bearer(req);
    if (!allowed && key !== undefined) {
      const checked = await auth.checkKey(key, addressOf(req));
      if (checked.retryAfterMs) return sendJson(res, 429, { error: retryText(checked.retryAfterMs) }, { 'Retry-After': String(Math.ceil(checked.retryAfterMs / 1000)) });
      allowed = checked.ok;
    }
    if (!allowed) return sendJson(res, 401, { error: 'Sign in at /admin/ or send the admin key as "Authorization: Bearer <key>".' }, { 'WWW-Authenticate': 'Bearer realm="hearth-admin"' });
    sendJson(res, 200, await stats());
  }

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    if (path !== '/admin' && !path.startsWith('/admin/')) return false;
    if (!hostHeaderAllowed(req, names)) {
      sendJson(res, 421, { error: `The admin page answers only to this server's address (an IP address or localhost) or a name in admin.hosts, not ${JSON.stringify(String(req.headers.host ?? '').slice(0, 100))}.` });
      return true;
    }
    const route = `${req.method} ${path}`;
    // Pages answer with the page, the JSON endpoint with JSON; either way a store that cannot be
    // reached refuses the request (503), never lets it through.
    const fail = (err: Error) => {
      if (res.headersSent) res.destroy();
      else if (!(err instanceof AdminStoreUnavailable)) sendJson(res, 500, { error: `The admin page failed: ${err.message}` });
      else if (route === 'GET /admin/api/stats') sendJson(res, 503, { error: err.message }, { 'Retry-After': '60' });
      else sendPage(res, 503, 'login', err.message, { 'Retry-After': '60' });
    };
    switch (route) {
      case 'GET /admin':
        redirect(res, '/admin/');
        break;
      case 'GET /admin/':
        auth.hasSession(cookieOf(req, ADMIN_COOKIE)).then((signedIn) => (signedIn ? sendPage(res, 200, 'dashboard') : sendPage(res, 401, 'login')), fail);
        break;
      case 'POST /admin/login':
        login(req, res).catch(fail);
        break;
      case 'POST /admin/logout':
        if (!sameOrigin(req)) sendPage(res, 403, 'login', 'Sign out from the admin page itself.');
        else auth.logout(cookieOf(req, ADMIN_COOKIE)).then(() => redirect(res, '/admin/', { 'Set-Cookie': cookie(req, '', 0) }), fail);
        break;
      case 'GET /admin/api/stats':
        api(req, res).catch(fail);
        break;
      default:
        sendJson(res, 404, { error: `${route} is not part of the admin page.` });
    }
    return true;
  };
}
