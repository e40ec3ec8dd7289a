/**
 * The sandbox's side of OpenID Connect Back-Channel Logout 1.0: logout tokens signed with its own
 * key (§2.4), posted form-encoded to the shell's back-channel logout URI (§2.5) — in practice the
 * trust's relay — when asked, and, like CIS2, when a sign-in's session comes to its end.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './misbehaviour';
import { SANDBOX_CLIENT_ID } from './realm';

export interface BackchannelOptions {
  readonly issuer: string;
  readonly signing: SigningKey;
  /** Where logout tokens are posted; without it the sandbox cannot post one. */
  readonly backchannelLogoutUri?: string;
  /** How long after a sign-in its session ends (default 12 hours, as CIS2). */
  readonly sessionLifetimeMs?: number;
}

export interface Backchannel {
  /** A signed logout token for the subject/session. */
  logoutToken(claims: { sub?: string; sid?: string; clientId?: string }): Promise<string>;
  /** Posts a logout token to the back-channel logout URI; returns the HTTP status. */
  post(claims: { sub?: string; sid?: string }): Promise<number>;
  /** A clinician signed in: end their session when its lifetime is over (when there is a URI to tell). */
  sessionBegan(sub: string): void;
  /** Cancels every session end still to come. */
  close(): void;
}

export function createBackchannel(options: BackchannelOptions): Backchannel {
  const { issuer, signing } = options;
  const sessionEnds = new Set<ReturnType<typeof setTimeout>>();

  const logoutToken: Backchannel['logoutToken'] = async (claims) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      ...(claims.sid ? { sid: claims.sid } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'logout+jwt' })
      .setIssuer(issuer)
      .setAudience(claims.clientId ?? SANDBOX_CLIENT_ID)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .setJti(randomBytes(16).toString('hex'))
      .setSubject(claims.sub ?? '')
      .sign(signing.key);
  };

  async function post(claims: { sub?: string; sid?: string }): Promise<number> {
    if (!options.backchannelLogoutUri) throw new Error('The sandbox was started without a backchannelLogoutUri.');
    const response = await fetch(options.backchannelLogoutUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: await logoutToken(claims) }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  return {
    logoutToken,
    post,
    sessionBegan(sub) {
      // CIS2 ends every session after 12 hours and tells the client.
      if (options.backchannelLogoutUri === undefined) return;
      const end = setTimeout(
        () => void post({ sub }).catch(() => undefined),
        options.sessionLifetimeMs ?? 12 * 3600_000,
      );
      end.unref();
      sessionEnds.add(end);
    },
    close() {
      for (const end of sessionEnds) clearTimeout(end);
    },
  };
}
