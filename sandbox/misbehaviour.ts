import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import type { CryptoKey } from 'jose';
import type Provider from 'oidc-provider';

/**
 * Ways the sandbox can misbehave, so negative tests exercise the real client against a real
 * provider: the ID token the provider issued is altered and re-signed (with the sandbox's own key,
 * so only the altered claim is wrong — or with a foreign key / alg none for the signature cases).
 */
export type Misbehaviour =
  | 'id-token-bad-signature'
  | 'id-token-wrong-iss'
  | 'id-token-wrong-aud'
  /** Addressed to the shell and to another application (with azp naming the shell), which openid-client accepts. */
  | 'id-token-extra-aud'
  | 'id-token-expired'
  | 'id-token-missing-sub'
  | 'id-token-wrong-nonce'
  | 'id-token-alg-none'
  | 'auth-time-stale'
  | 'auth-time-future'
  | 'userinfo-sub-mismatch'
  | 'refresh-different-sub'
  /** The ID token says AAL2 (acr AAL2_ANY, a passkey) whatever was asked for and whoever signed in. */
  | 'acr-below-request'
  /** The ID token carries no acr: nothing says what assurance the sign-in reached. */
  | 'acr-missing'
  | AuthTimeEdge;

/**
 * auth_time at the edges of the shell's tolerance (CIS2: within a few seconds of now after
 * prompt=login; the shell allows 15 s by default and 60 s at most): this many seconds from the
 * second the sandbox stamps the ID token, negative in the past. The sandbox reports that second
 * (`Sandbox.lastStampedAt`) so a test can pin the shell's clock to it and the edge is exact.
 */
export const authTimeEdges = {
  'auth-time-14s-ago': -14,
  'auth-time-16s-ago': -16,
  'auth-time-14s-ahead': 14,
  'auth-time-16s-ahead': 16,
  'auth-time-59s-ago': -59,
  'auth-time-61s-ago': -61,
} as const satisfies Record<string, number>;
export type AuthTimeEdge = keyof typeof authTimeEdges;

function isAuthTimeEdge(kind: Misbehaviour): kind is AuthTimeEdge {
  return Object.hasOwn(authTimeEdges, kind);
}

export interface SigningKey {
  readonly key: CryptoKey;
  readonly kid: string;
}

let foreignKey: Promise<CryptoKey> | null = null;

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Apply one misbehaviour to an ID token. Returns the token unchanged when the kind is not about it. */
export async function tamperIdToken(
  idToken: string,
  kind: Misbehaviour,
  signing: SigningKey,
  stamped?: (seconds: number) => void,
): Promise<string> {
  const claims: Record<string, unknown> = { ...decodeJwt(idToken) };
  const header = decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = signing.key;
  if (isAuthTimeEdge(kind)) {
    claims['auth_time'] = now + authTimeEdges[kind];
    stamped?.(now);
  }
  switch (kind) {
    case 'id-token-bad-signature':
      foreignKey ??= generateKeyPair('RS256').then((k) => k.privateKey);
      key = await foreignKey;
      break;
    case 'id-token-wrong-iss':
      claims['iss'] = 'https://impostor.invalid/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
      break;
    case 'id-token-wrong-aud':
      claims['aud'] = 'some-other-client';
      break;
    case 'id-token-extra-aud':
      claims['azp'] = String(claims['aud']);
      claims['aud'] = [claims['azp'], 'another-application'];
      break;
    case 'id-token-expired':
      claims['iat'] = now - 7200;
      claims['exp'] = now - 3600;
      break;
    case 'id-token-missing-sub':
      delete claims['sub'];
      break;
    case 'id-token-wrong-nonce':
      claims['nonce'] = 'not-the-nonce-the-client-sent';
      break;
    case 'id-token-alg-none':
      return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    case 'auth-time-stale':
      claims['auth_time'] = now - 600;
      break;
    case 'auth-time-future':
      claims['auth_time'] = now + 600;
      break;
    case 'refresh-different-sub':
      claims['sub'] = '555000009999';
      break;
    case 'acr-below-request':
      claims['acr'] = 'AAL2_ANY';
      claims['amr'] = ['swk'];
      break;
    case 'acr-missing':
      delete claims['acr'];
      break;
    case 'userinfo-sub-mismatch':
      return idToken;
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: signing.kid, typ: header.typ })
    .sign(key);
}

/**
 * The switch: while `current()` names a misbehaviour, the provider's responses of that kind are
 * altered on their way out (the ID token at sign-in, or at refresh for 'refresh-different-sub';
 * the userinfo `sub` for 'userinfo-sub-mismatch').
 */
export function misbehaveWhenAsked(
  provider: Provider,
  current: () => Misbehaviour | null,
  signing: SigningKey,
  stamped?: (seconds: number) => void,
): void {
  provider.use(async (ctx, next) => {
    await next();
    const misbehaviour = current();
    if (misbehaviour === null || ctx.oidc === undefined) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.oidc.route === 'token' && typeof body?.['id_token'] === 'string') {
      const refreshing = ctx.oidc.params?.['grant_type'] === 'refresh_token';
      if (refreshing === (misbehaviour === 'refresh-different-sub')) {
        ctx.body = { ...body, id_token: await tamperIdToken(body['id_token'], misbehaviour, signing, stamped) };
      }
    }
    if (ctx.oidc.route === 'userinfo' && misbehaviour === 'userinfo-sub-mismatch' && body) {
      ctx.body = { ...body, sub: '555000009999' };
    }
  });
}
