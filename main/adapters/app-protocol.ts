/**
 * Serves the built renderer from dist/renderer on a privileged custom scheme (app://shell/),
 * so the page has a real origin for IPC sender checks and never loads over file:// or http.
 * Path traversal is refused, only known file types are served, and the CSP travels as a
 * response header as well as in index.html's meta tag.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';

export const appScheme = 'app';
export const appHost = 'shell';
export const appOrigin = `${appScheme}://${appHost}`;
export const appStartUrl = `${appOrigin}/index.html`;

/**
 * Stricter than the meta tag in renderer/index.html: no loopback WebSocket, which only the
 * browser test harness needs. When both apply, the browser enforces both.
 */
export const appContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const mimeTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export type ResolvedPath = { ok: true; file: string; mime: string } | { ok: false; status: 400 | 404 | 405 };

/** Pure: which file under `root` a request may read, or why not. */
export function resolveRendererPath(root: string, method: string, requestUrl: string): ResolvedPath {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405 };
  let url: URL;
  let pathname: string;
  try {
    url = new URL(requestUrl);
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${appScheme}:` || url.host !== appHost) return { ok: false, status: 404 };
  if (pathname.includes('\0') || pathname.includes('\\')) return { ok: false, status: 400 };
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const base = path.resolve(root);
  const file = path.resolve(base, relative);
  if (!file.startsWith(base + path.sep)) return { ok: false, status: 404 };
  const mime = mimeTypes[path.extname(file).toLowerCase()];
  if (mime === undefined) return { ok: false, status: 404 };
  return { ok: true, file, mime };
}

/** Call before app 'ready' (Electron requires it). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: appScheme,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false },
    },
  ]);
}

const baseHeaders = {
  'content-security-policy': appContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export type ReadFile = (file: string) => Promise<Uint8Array>;

export function createRendererHandler(
  root: string,
  read: ReadFile = readFile,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const resolved = resolveRendererPath(root, request.method, request.url);
    if (!resolved.ok) return new Response(null, { status: resolved.status, headers: baseHeaders });
    try {
      const body = await read(resolved.file);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
        status: 200,
        headers: { ...baseHeaders, 'content-type': resolved.mime },
      });
    } catch {
      return new Response(null, { status: 404, headers: baseHeaders });
    }
  };
}

/** Call after app 'ready'. Returns the function that stops serving. */
export function serveRenderer(protocol: Pick<Protocol, 'handle' | 'unhandle'>, root: string): () => void {
  protocol.handle(appScheme, createRendererHandler(root));
  return () => protocol.unhandle(appScheme);
}
