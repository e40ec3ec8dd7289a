import { ShellError, causeChain, isShellError } from '../../core/errors';

/**
 * Chromium's errors for a proxy that wants authentication the request could not give
 * (net/base/net_error_list.h): no credentials were supplied (the shell has no `login` handler:
 * it never prompts on a shared PC), or the proxy's scheme is not one Chromium speaks.
 * Chromium answers the proxy's challenge itself with the Windows sign-in (Negotiate/Kerberos,
 * NTLM: its integrated authentication) before any of these is reported.
 */
const proxyAuthCodes: readonly string[] = [
  'ERR_PROXY_AUTH_REQUESTED',
  'ERR_PROXY_AUTH_UNSUPPORTED',
  'ERR_PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION',
  // The PC's own credentials refused: CIS2 never asks for HTTP authentication, so it is the proxy.
  'ERR_INVALID_AUTH_CREDENTIALS',
];

/** Whether a failure, a few causes deep, is a proxy asking for credentials: such a code, or HTTP 407. */
export function isProxyAuthFailure(cause: unknown): boolean {
  return causeChain(cause).some((link) => {
    const { code, status, response } = link as { code?: unknown; status?: unknown; response?: { status?: unknown } };
    return (typeof code === 'string' && proxyAuthCodes.includes(code)) || status === 407 || response?.status === 407;
  });
}

/** The proxy wanted credentials the PC's Windows sign-in could not answer (docs/deploy.md, "Proxy authentication"). */
export function proxyAuthError(cause: unknown): ShellError {
  return new ShellError(
    'SIGNIN_PROXY_AUTH',
    "The network's proxy asked for a user name and password that this workstation's Windows sign-in could not answer, so NHS Care Identity could not be reached. Tell IT: the proxy must accept the PC's Windows sign-in (NTLM or Kerberos) or let NHS Care Identity through.",
    { cause },
  );
}

/** Turn whatever openid-client or the network threw into one ShellError a clinician can act on. */
export function toShellError(cause: unknown): ShellError {
  if (isShellError(cause)) return cause;
  if (isProxyAuthFailure(cause)) return proxyAuthError(cause);
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
