/**
 * What a failure line may say about its cause, and what a presence line says about a source:
 * fixed codes and names only, never a value from the exchange.
 */
import type { PresenceStatus } from '../core/presence';
import { causeChain, isShellError } from '../core/errors';
import type { ShellErrorCode } from '../core/errors';
import { auditCategoryOf } from './audit-catalogue';

/** A presence status as the audit records it: names and fixed reason codes only. */
export function presenceFields(status: PresenceStatus): Record<string, unknown> {
  return {
    source: status.source,
    state: status.state,
    ...(status.reason === undefined ? {} : { reason: status.reason }),
  };
}

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * The library's own code for what went wrong underneath (openid-client's OAUTH_*, Node's ECONN*,
 * undici's UND_ERR_*), looked for a few causes deep; and the OAuth `error` the provider sent.
 * Both are fixed vocabularies, never values from the exchange.
 */
function underneath(cause: unknown): { cause?: string; oauthError?: string } {
  const out: { cause?: string; oauthError?: string } = {};
  for (const link of causeChain(cause)) {
    const { code, error } = link as { code?: unknown; error?: unknown };
    if (out.cause === undefined && typeof code === 'string' && UPPER_SNAKE.test(code) && !isShellError(link))
      out.cause = code;
    if (out.oauthError === undefined && typeof error === 'string' && /^[a-z_]{1,40}$/.test(error))
      out.oauthError = error;
  }
  return out;
}

export function failure(code: ShellErrorCode, cause: unknown): Record<string, unknown> {
  return { outcome: 'failure', code, category: auditCategoryOf[code], ...underneath(cause) };
}
