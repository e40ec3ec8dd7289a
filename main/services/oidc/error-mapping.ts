import { ShellError, isShellError } from '../../core/errors';

/** Turn whatever openid-client or the network threw into one ShellError a clinician can act on. */
export function toShellError(cause: unknown): ShellError {
  if (isShellError(cause)) return cause;
  const name = cause instanceof Error ? cause.name : '';
  const code = (cause as { code?: unknown } | null)?.code;
  if (name === 'TypeError' || (typeof code === 'string' && /^(ECONN|ETIMEDOUT|ENOTFOUND|UND_ERR)/.test(code))) {
    return new ShellError(
      'SIGNIN_NETWORK',
      'The shell could not reach NHS Care Identity to finish sign-in. Check the network connection and try again.',
      { cause },
    );
  }
  const oauthError = (cause as { error?: unknown } | null)?.error;
  if (name === 'ResponseBodyError' && typeof oauthError === 'string') {
    return new ShellError(
      'SIGNIN_PROVIDER_ERROR',
      `NHS Care Identity did not complete the sign-in (${oauthError}). Try again. If it keeps happening, tell IT.`,
      { cause },
    );
  }
  return new ShellError(
    'SIGNIN_TOKEN_REJECTED',
    'The sign-in response from NHS Care Identity failed its security checks, so you have not been signed in. Try again. If it keeps happening, tell IT.',
    { cause },
  );
}

/** The authorization endpoint sent `error=` to the loopback callback. */
export function providerErrorToShellError(error: string): ShellError {
  switch (error) {
    case 'access_denied':
      return new ShellError(
        'SIGNIN_ACCESS_DENIED',
        'NHS Care Identity did not allow this sign-in. Check you chose the right smartcard or account and role, then try again.',
      );
    case 'login_required':
    case 'interaction_required':
      return new ShellError(
        'SIGNIN_LOGIN_REQUIRED',
        'NHS Care Identity needs you to sign in again in the browser. Select Sign in and complete the steps in the browser window.',
      );
    default:
      return new ShellError(
        'SIGNIN_PROVIDER_ERROR',
        `NHS Care Identity could not complete the sign-in (${error.replace(/[^\w.-]/g, '').slice(0, 40)}). Try again. If it keeps happening, tell IT.`,
      );
  }
}
