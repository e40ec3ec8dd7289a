import { ShellError, isShellError } from '../../core/errors';

/** Turn whatever openid-client or the network threw into one ShellError a clinician can act on. */
export function toShellError(cause: unknown): ShellError {
  if (isShellError(cause)) return cause;
  const name = cause instanceof Error ? cause.name : '';
  const code = (cause as { code?: unknown } | null)?.code;
  if (name === 'TypeError' || (typeof code === 'string' && /^(ECONN|ETIMEDOUT|ENOTFOUND|UND_ERR)/.test(code))) {
    return new ShellError('SIGNIN_NETWORK', 'The shell could not reach CIS2 to finish sign-in. Check the network connection and try again.', { cause });
  }
  const oauthError = (cause as { error?: unknown } | null)?.error;
  if (name === 'ResponseBodyError' && typeof oauthError === 'string') {
    return new ShellError('SIGNIN_PROVIDER_ERROR', `CIS2 refused to complete the sign-in (${oauthError}). Try again; if it keeps happening, tell IT.`, { cause });
  }
  return new ShellError('SIGNIN_TOKEN_REJECTED', 'The sign-in response from CIS2 failed its security checks, so you have not been signed in. Try again; if it keeps happening, tell IT.', { cause });
}

/** The authorization endpoint sent `error=` to the loopback callback. */
export function providerErrorToShellError(error: string): ShellError {
  switch (error) {
    case 'access_denied':
      return new ShellError('SIGNIN_ACCESS_DENIED', 'CIS2 did not allow this sign-in. Check you chose the right smartcard or account and role, then try again.');
    case 'login_required':
    case 'interaction_required':
      return new ShellError('SIGNIN_LOGIN_REQUIRED', 'CIS2 needs you to sign in again in the browser. Select Sign in and complete the steps in the browser window.');
    default:
      return new ShellError('SIGNIN_PROVIDER_ERROR', `CIS2 could not complete the sign-in (${error.replace(/[^\w.-]/g, '').slice(0, 40)}). Try again; if it keeps happening, tell IT.`);
  }
}
