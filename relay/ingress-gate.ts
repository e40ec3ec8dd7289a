/**
 * What the ingress checks before it reads a logout POST's body: the source allow-list (403), the
 * per-source rate (429), the method (405), the content type (415) and the declared body size (413).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReplicaDeps } from './deps';
import { answer } from './http';
import type { AddressSet } from './net';
import { sourceHash } from './log';
import { rateLimiter } from './rate-limit';

/**
 * Answers a request that fails a check and returns true; false lets the request through. A body
 * left unread is Node's to discard: once the answer is sent, its HTTP server dumps an unread request
 * and, with `Connection: close`, destroys the socket (lib/_http_server.js resOnFinish, then
 * net.Socket#destroySoon), so no refusal reads or destroys it itself.
 */
export type IngressGate = (req: IncomingMessage, res: ServerResponse, source: string) => boolean;

export function createIngressGate(
  options: Pick<ReplicaDeps, 'config' | 'logger' | 'now'> & {
    readonly allowSources: AddressSet;
    /** Told the status and code of every refusal (metrics). */
    readonly answered: (status: number, code: string) => void;
  },
): IngressGate {
  const { config, logger, allowSources } = options;
  const limiter = rateLimiter(config.ingressPerMinute, options.now);
  return (req, res, source) => {
    if (allowSources.size > 0 && !allowSources.has(source)) {
      options.answered(403, 'SOURCE_NOT_ALLOWED');
      logger.warn(
        { event: 'logout refused', code: 'SOURCE_NOT_ALLOWED' },
        'logout POST from outside the allowed source ranges',
      );
      answer(res, 403, { error: 'access_denied' }, { connection: 'close' });
      return true;
    }
    if (!limiter.take(source)) {
      options.answered(429, 'rate-limited');
      // CIS2 is not known to retry: every refused logout is a line, with the source as a keyed hash.
      logger.warn(
        { event: 'logout refused', code: 'RATE_LIMITED', source: sourceHash(source) },
        'logout POST over the per-source rate',
      );
      answer(
        res,
        429,
        { error: 'slow_down' },
        { 'retry-after': String(Math.max(1, limiter.retryAfterSeconds(source))), connection: 'close' },
      );
      return true;
    }
    if (req.method !== 'POST') {
      options.answered(405, 'method');
      answer(res, 405, { error: 'invalid_request', error_description: 'POST only' }, { allow: 'POST' });
      return true;
    }
    // No header at all reads as 'undefined': not a form either.
    // Stryker disable next-line OptionalChaining: equivalent: split always returns at least one string
    const type = String(req.headers['content-type']).split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      options.answered(415, 'content-type');
      answer(
        res,
        415,
        { error: 'invalid_request', error_description: 'application/x-www-form-urlencoded only' },
        { connection: 'close' },
      );
      return true;
    }
    // Without a declared length (chunked), NaN: never over; readBody counts what comes.
    const declared = Number(req.headers['content-length']);
    if (declared > config.maxBodyBytes) {
      options.answered(413, 'body-too-large');
      answer(res, 413, { error: 'invalid_request', error_description: 'body too large' }, { connection: 'close' });
      // Stryker disable next-line BooleanLiteral: equivalent: read on, the body would never end (Node destroys the socket once the 413 is sent), so nothing more is answered or counted; only a promise is left waiting
      return true;
    }
    return false;
  };
}
