/** The relay's HTTP answers and request bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Every answer: JSON (or empty), never cached (OpenID Connect Back-Channel Logout 1.0 §2.8 asks it
 * of the logout endpoint; the relay's other answers follow).
 */
export function answer(
  res: ServerResponse,
  status: number,
  body?: Record<string, string>,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'content-length': Buffer.byteLength(text),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...headers,
  });
  res.end(text);
}

/** The body passed the limit: the reading stopped there. */
export class BodyTooLarge extends Error {}

/** The request body as text; rejects with BodyTooLarge as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
