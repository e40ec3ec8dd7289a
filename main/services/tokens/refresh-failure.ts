/**
 * What a failed refresh says about the session: CIS2 **refused** it (it said no: the session is
 * over at CIS2, and the session locks), or it went **unanswered** (nothing reached CIS2, or
 * nothing came back from it: that says nothing about the session, which goes on and retries).
 *
 * Refused: an OAuth error CIS2 sent for the grant (RFC 6749 §5.2, a 4xx JSON body such as
 * `invalid_grant` for a revoked, expired or unknown refresh token), a 401 challenge for the
 * client, or an answer that failed its checks (openid-client verifies the refreshed ID token).
 *
 * Unanswered, each with its cause class for the audit log: no connection, DNS, a reset
 * (`network`); a timeout (`timeout`, also 408); 5xx and OAuth's `server_error` /
 * `temporarily_unavailable` (`server-error`); 429 (`rate-limited`); a proxy failing or asking
 * for credentials (`proxy`, also 407); a TLS failure (`tls`: see below); and an answer that is
 * not OAuth at all, such as a captive portal's page or a proxy's error page (`not-oauth`).
 *
 * TLS: a certificate that does not verify may be interception or a misconfigured proxy, not a
 * network down. It is counted as unanswered because nothing was received over it: no byte of
 * that response is read, let alone trusted, and an interceptor that can break TLS could as well
 * drop the packets, which is unanswered anyway, so locking would protect nothing. It is audited
 * with its own cause class (`tls`) and Chromium's error name, for IT to look into.
 *
 * Pure inspection of what openid-client, the fetch port (adapters/network.ts: Chromium's
 * `ERR_*` name as `code`) or Node's fetch (the `code` of the cause) threw: no value from the
 * exchange is kept, only fixed codes and the HTTP status.
 */
import { causeChain } from '../../core/errors';

export const unansweredCauses = [
  'network',
  'timeout',
  'server-error',
  'rate-limited',
  'proxy',
  'tls',
  'not-oauth',
] as const;
export type UnansweredCause = (typeof unansweredCauses)[number];

/** Why CIS2's answer counts as a refusal. */
export type RefusalKind = 'invalid-grant' | 'oauth-error' | 'client-challenge' | 'failed-checks';

export type RefreshFailure =
  | { readonly kind: 'refused'; readonly refusal: RefusalKind }
  | { readonly kind: 'unanswered'; readonly cause: UnansweredCause; readonly detail: string | null };

/** OAuth error codes that say "not now" rather than "no" (RFC 6749 §4.1.2.1, used by some token endpoints). */
const notNow = new Set(['server_error', 'temporarily_unavailable']);

const CODE = /^[A-Za-z][A-Za-z0-9_]{1,63}$/;

/** A fixed code (Chromium's ERR_*, Node's E*, undici's UND_ERR_*) a few causes deep, never a message. */
function codeIn(error: unknown): string | null {
  for (const link of causeChain(error)) {
    const { code } = link as { code?: unknown };
    if (typeof code === 'string' && CODE.test(code) && !code.startsWith('OAUTH_')) return code;
  }
  return null;
}

/** The cause class of a connection-level failure, by its code. */
function connectionCause(code: string | null): UnansweredCause {
  // Stryker disable next-line ConditionalExpression: without it, null would meet the patterns below as the string "null", which none matches, so the answer is 'network' either way
  if (code === null) return 'network';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH/.test(code)) return 'tls';
  if (/PROXY|TUNNEL/.test(code)) return 'proxy';
  if (/TIMED_OUT|TIMEDOUT|TIMEOUT/.test(code)) return 'timeout';
  return 'network';
}

/** The cause class of an HTTP status that is not CIS2 saying no, or null when it is a 4xx refusal. */
function statusCause(status: number): UnansweredCause | null {
  if (status === 407) return 'proxy';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return null;
}

function unanswered(cause: UnansweredCause, detail: string | null): RefreshFailure {
  return { kind: 'unanswered', cause, detail };
}

function statusOf(value: unknown): number | null {
  const status = (value as { status?: unknown } | null)?.status;
  // Number.isInteger is false for anything that is not a number.
  return Number.isInteger(status) ? (status as number) : null;
}

/** An HTTP answer that is not a conforming OAuth response: by its status, or `not-oauth`. */
function nonConforming(error: { cause?: unknown }): RefreshFailure {
  const status = statusOf(error.cause);
  // Stryker disable next-line ConditionalExpression: null compares as 0, which is no status statusCause names, so it answers null either way
  const cause = status === null ? null : statusCause(status);
  return unanswered(cause ?? 'not-oauth', status === null ? null : `HTTP ${status}`);
}

export function classifyRefreshFailure(error: unknown): RefreshFailure {
  if (error === null || typeof error !== 'object') return unanswered('network', null);
  const { name, code, cause } = error as { name?: unknown; code?: unknown; cause?: unknown };
  // The request's own timeout (openid-client aborts after 30 s) or an abort.
  if (name === 'TimeoutError' || name === 'AbortError') return unanswered('timeout', null);
  // WHATWG fetch: every failure to get a response is a TypeError, whatever the layer.
  if (error instanceof TypeError) {
    const found = codeIn(error);
    return unanswered(connectionCause(found), found);
  }
  if (code === 'OAUTH_RESPONSE_BODY_ERROR') {
    const status = statusOf(error) ?? 400;
    const oauthError = (error as { error?: unknown }).error;
    const byStatus = statusCause(status);
    if (byStatus !== null) return unanswered(byStatus, `HTTP ${status}`);
    // Stryker disable next-line ConditionalExpression: the set holds only strings, so the type check only narrows for the compiler
    if (typeof oauthError === 'string' && notNow.has(oauthError)) return unanswered('server-error', oauthError);
    return { kind: 'refused', refusal: oauthError === 'invalid_grant' ? 'invalid-grant' : 'oauth-error' };
  }
  if (code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE') {
    const status = statusOf(error);
    // Stryker disable next-line ConditionalExpression: null compares as 0, which is no status statusCause names, so it answers null either way
    const byStatus = status === null ? null : statusCause(status);
    return byStatus === null
      ? { kind: 'refused', refusal: 'client-challenge' }
      : unanswered(byStatus, `HTTP ${status}`);
  }
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON')
    return nonConforming(error as { cause?: unknown });
  // Discovery (the cached metadata expired and could not be fetched again) is never CIS2's "no"
  // about the session: what it met if that was a failure to reach CIS2, else `not-oauth`.
  if (name === 'ShellError' && code === 'SIGNIN_DISCOVERY_FAILED') {
    // No cause classifies as a failure to reach CIS2 ('network'), which is what it was.
    const inner = classifyRefreshFailure(cause);
    return inner.kind === 'unanswered' ? inner : unanswered('not-oauth', null);
  }
  // Anything else came back from CIS2 and failed openid-client's checks (the refreshed ID token's
  // signature or claims): an answer, but not one to trust. The session locks.
  return { kind: 'refused', refusal: 'failed-checks' };
}
