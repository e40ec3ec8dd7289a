import type { CustomFetchOptions } from 'openid-client';
import { pino } from 'pino';
import { isAuthorizationRequest } from '../../../main/adapters/system-browser';
import { ShellError } from '../../../main/core/errors';
import { createSignInService } from '../../../main/services/oidc';
import type { SignInService, SystemBrowser } from '../../../main/services/oidc';
import { resolveOidcSettings } from '../../../main/services/oidc/settings';
import type { OidcSettings } from '../../../main/services/oidc/settings';
import type { Sandbox } from '../../../sandbox/provider';

/**
 * A system browser that, instead of showing a page, lets the test decide what the clinician does.
 * It refuses what the real adapter refuses (main/adapters/system-browser.ts, the same check and
 * the same error), so a service that hands it another address fails here as on a ward PC.
 */
export class ScriptedBrowser implements SystemBrowser {
  readonly opened: URL[] = [];
  /** The authorization endpoint the service named with each page, which the real adapter enforces. */
  readonly endpoints: URL[] = [];
  #waiters: ((url: URL) => void)[] = [];
  constructor(private readonly onOpen?: (url: URL) => Promise<void>) {}
  async open(url: URL, authorizationEndpoint: URL): Promise<void> {
    if (!isAuthorizationRequest(url, authorizationEndpoint)) {
      throw new ShellError('SIGNIN_BROWSER_FAILED', 'The sign-in page address is not the CIS2 sign-in page.');
    }
    this.opened.push(url);
    this.endpoints.push(authorizationEndpoint);
    for (const w of this.#waiters.splice(0)) w(url);
    if (this.onOpen) void this.onOpen(url).catch(() => undefined);
  }
  nextOpen(): Promise<URL> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export interface CountingFetch {
  (url: string, options: CustomFetchOptions): Promise<Response>;
  requests: { url: string; body: string }[];
  /** JSON bodies of token endpoint responses (a test's stand-in for a thief reading the wire). */
  tokenResponses: Record<string, unknown>[];
  /** When true, every request fails as if the network were down. */
  offline: boolean;
}

/** Wraps fetch so tests can count requests to the issuer (e.g. refresh grants) and cut the network. */
export function countingFetch(): CountingFetch {
  const f = (async (url: string, options: CustomFetchOptions) => {
    const body =
      typeof options.body === 'string'
        ? options.body
        : options.body instanceof URLSearchParams
          ? options.body.toString()
          : '';
    f.requests.push({ url, body });
    if (f.offline) throw new TypeError('fetch failed');
    const response = await fetch(url, options as unknown as RequestInit);
    if (url.endsWith('/token') && response.ok)
      f.tokenResponses.push((await response.clone().json()) as Record<string, unknown>);
    return response;
  }) as CountingFetch;
  f.requests = [];
  f.tokenResponses = [];
  f.offline = false;
  return f;
}

export const refreshRequests = (f: CountingFetch): number =>
  f.requests.filter((r) => r.body.includes('grant_type=refresh_token')).length;

export function sandboxSettings(sandbox: Sandbox, overrides: Partial<OidcSettings> = {}): OidcSettings {
  return resolveOidcSettings({
    issuer: sandbox.issuer,
    clientId: sandbox.clientId,
    allowInsecureLoopbackIssuer: true,
    ...overrides,
  });
}

export function serviceFor(
  sandbox: Sandbox,
  clinicianId: string | null,
  extra: { settings?: Partial<OidcSettings>; fetch?: CountingFetch; now?: () => number } = {},
): { service: SignInService; browser: ScriptedBrowser } {
  const browser = new ScriptedBrowser(clinicianId === null ? undefined : (url) => sandbox.loginAs(url, clinicianId));
  const service = createSignInService({
    settings: sandboxSettings(sandbox, extra.settings),
    browser,
    logger: pino({ level: 'silent' }),
    ...(extra.fetch ? { fetch: extra.fetch } : {}),
    ...(extra.now ? { now: extra.now } : {}),
  });
  return { service, browser };
}
