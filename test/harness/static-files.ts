/**
 * Serves the built renderer (dist/renderer) the way the Electron protocol handler does:
 * only files inside the root, with their MIME type and the same CSP as a header. The page
 * gets one extra classic script, the WebSocket `window.shell`, placed before the renderer's
 * module script so `window.shell` exists when the renderer starts. The production page's meta CSP
 * allows no WebSocket; the harness's transport is one, so the harness adds its loopback WebSocket
 * to `connect-src` in the meta tag and the header it serves, and nowhere else.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const harnessScriptPath = '/harness-shell.js';

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json',
};

export const rendererCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self' ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const productionConnectSrc = "connect-src 'self';";
const harnessConnectSrc = "connect-src 'self' ws://127.0.0.1:*;";

/** The built page with the harness's WebSocket added to its meta CSP; throws if the page's CSP changed shape. */
export function withHarnessCsp(html: string): string {
  const meta = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]+)(")/i.exec(html);
  if (!meta?.[2]?.includes(productionConnectSrc)) {
    throw new Error(
      `The renderer's meta CSP no longer has ${productionConnectSrc}: update the harness's rewrite (test/harness/static-files.ts).`,
    );
  }
  return html.replace(meta[0], `${meta[1]}${meta[2].replace(productionConnectSrc, harnessConnectSrc)}${meta[3]}`);
}

export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = normalize(join(root, decoded));
  const base = resolve(root);
  return full === base || full.startsWith(base + sep) ? full : null;
}

export async function serveRenderer(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  const path = urlPath === '/' ? '/index.html' : urlPath;
  const file = resolveInside(root, path);
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    res.writeHead(404).end();
    return;
  }
  const type = mime[extname(file)] ?? 'application/octet-stream';
  if (path === '/index.html') {
    const html = withHarnessCsp(body.toString('utf8')).replace(
      '<head>',
      `<head>\n    <script src="${harnessScriptPath}"></script>`,
    );
    body = Buffer.from(html);
  }
  res.writeHead(200, {
    'content-type': type,
    'content-security-policy': rendererCsp,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}
