/**
 * The sign-in settings (SignIn group): which CIS2 environment and registration, how the shell
 * authenticates to it, what it asks for, and where the back-channel logout relay is. In the
 * catalogue (catalogue.ts spreads them in) like every other group.
 */
import * as z from 'zod';
import { acrValuesFor } from '../../core/assurance-minimum';
import { RULE_CAPS, RULE_MAXIMA } from '../../core/policy';
import { DEFAULT_CLIENT_KEY_ACCOUNT, DEFAULT_CLIENT_KEY_SERVICE } from '../client-key/client-key-store';
import { DEFAULT_OIDC_SETTINGS } from '../oidc';
import { workstationUrl } from '../relay-client/client';
import { wholeSeconds } from './setting-spec';
import type { SettingSpec } from './setting-spec';

function isRelayAddress(value: string): boolean {
  try {
    workstationUrl(value);
    return true;
  } catch {
    return false;
  }
}

const text = (max: number) => z.string().trim().min(1).max(max);
const absoluteMax = RULE_MAXIMA.absoluteLimitMs / 1000;
/** The environments a ward PC may use. "sandbox" is for development and never suggested. */
export const ISSUER_CHOICES = ['int', 'dep', 'live'] as const;
/** RFC 6749 scope-token characters: printable ASCII except space, " and \. */
const scopeToken = z
  .string()
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/, 'each scope must be one word of printable characters');

export const signInSettings = {
  Issuer: {
    displayName: 'NHS Care Identity environment (issuer)',
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: z.union([z.enum(['sandbox', ...ISSUER_CHOICES]), z.url({ protocol: /^https$/ }).max(500)]),
    admx: { element: 'text', maxLength: 500, suggestions: ISSUER_CHOICES },
    default: 'none (a packaged shell will not start without one)',
    range: 'int, dep, live, or an https address',
    description:
      'The CIS2 environment clinicians sign in to: int, dep, live, or the https issuer address of another OpenID Provider.',
    rule: 'CIS2 sign-in over https (RFC 9700); sandbox is development only and ignored by an installed shell.',
    example: 'live',
  },
  ClientId: {
    displayName: 'Client ID of your CIS2 registration',
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: text(200),
    admx: { element: 'text', maxLength: 200 },
    default: 'none (required with Issuer)',
    range: '1 to 200 characters',
    description: 'The client id of your CIS2 registration.',
    rule: 'Your CIS2 client registration.',
    example: 'your-cis2-client-id',
  },
  RelayUrl: {
    displayName: 'Back-channel logout relay address',
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: z
      .string()
      .max(500)
      .refine(isRelayAddress, 'must be an https:// (or wss://) address; plain http only on 127.0.0.1'),
    admx: { element: 'text', maxLength: 500 },
    default: 'none (CIS2 logouts reach the workstation only at its idle lock)',
    range: 'an https address (wss also accepted)',
    description:
      "The trust's back-channel logout relay (docs/relay.md): while a clinician is signed in the shell listens there for CIS2 ending their session, and locks out at once.",
    rule: 'OpenID Connect Back-Channel Logout 1.0; CIS2 back-channel logout guidance.',
    example: 'https://cis2-logout-relay.trust.nhs.uk',
  },
  ClientAuthMethod: {
    displayName: 'How the shell authenticates to CIS2',
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: z.enum(['none', 'private_key_jwt']),
    admx: { element: 'enum', items: ['none', 'private_key_jwt'] },
    default: 'none',
    range: 'none, private_key_jwt',
    description:
      'How the shell authenticates to the token endpoint: none (public client with PKCE) or private_key_jwt (provision the key first).',
    rule: 'RFC 8252 native public client with PKCE; private_key_jwt as your CIS2 registration says.',
    example: 'none',
  },
  ClientKeyService: {
    displayName: 'Client key: service name',
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: text(200),
    admx: { element: 'text', maxLength: 200 },
    default: DEFAULT_CLIENT_KEY_SERVICE,
    range: '1 to 200 characters',
    description:
      'Names the private_key_jwt key: the machine-wide file provision-client-key writes is named from the service and account, and an older per-account copy in the OS credential store is found under this service name.',
    rule: 'RFC 8252 section 8.5: an installed app cannot keep a client secret; the key is machine-wide, administrators write it, users read it (docs/policy.md).',
    example: DEFAULT_CLIENT_KEY_SERVICE,
  },
  ClientKeyAccount: {
    displayName: 'Client key: account name',
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: text(200),
    admx: { element: 'text', maxLength: 200 },
    default: DEFAULT_CLIENT_KEY_ACCOUNT,
    range: '1 to 200 characters',
    description:
      'Names the private_key_jwt key: the machine-wide file provision-client-key writes is named from the service and account, and an older per-account copy in the OS credential store is found under this account name.',
    rule: 'RFC 8252 section 8.5: an installed app cannot keep a client secret; the key is machine-wide, administrators write it, users read it (docs/policy.md).',
    example: DEFAULT_CLIENT_KEY_ACCOUNT,
  },
  MinimumAssurance: {
    displayName: 'Minimum authentication assurance (AAL2 or AAL3)',
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: z.enum(['AAL2', 'AAL3']),
    admx: { element: 'enum', items: ['AAL3', 'AAL2'] },
    default: 'AAL3',
    range: 'AAL3, AAL2',
    description:
      'The least a sign-in, unlock, renewal or role change must prove: AAL3 (smartcard, security key or Windows Hello) or AAL2 (also passkeys and Microsoft Authenticator). Anything less, or a sign-in whose assurance CIS2 does not make clear, is refused with a message saying what is needed.',
    rule: "NHS England's CIS2 guidance, Session management: national clinical systems require an AAL3 authentication; a session is never considered at a higher AAL than its authentication (NIST SP 800-63B).",
    example: 'AAL3',
  },
  AcrValues: {
    displayName: 'Authentication assurance requested (acr_values)',
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: text(200),
    admx: { element: 'text', maxLength: 200 },
    default: `${acrValuesFor.AAL3} (${acrValuesFor.AAL2} when MinimumAssurance is AAL2)`,
    range: '1 to 200 characters',
    description:
      'The acr_values sent to CIS2: the authenticators CIS2 offers. Leave it unset to follow MinimumAssurance; a value asking for less than the minimum lets clinicians choose an authenticator the shell then refuses.',
    rule: 'CIS2 authentication assurance levels (acr_values); the acr CIS2 returns is checked against it.',
    example: acrValuesFor.AAL3,
  },
  Scopes: {
    displayName: 'Scopes requested from CIS2',
    group: 'SignIn',
    registry: 'REG_MULTI_SZ',
    schema: z
      .array(scopeToken)
      .min(1)
      .max(20)
      .refine((s) => s.includes('openid'), 'the scopes must include openid'),
    admx: { element: 'list' },
    default: DEFAULT_OIDC_SETTINGS.scopes.join(' '),
    range: '1 to 20 scopes, including openid',
    description: 'The scopes the shell asks CIS2 for; openid is required.',
    rule: 'OpenID Connect Core: the openid scope is required.',
    example: DEFAULT_OIDC_SETTINGS.scopes,
  },
  TrustedAudiences: {
    displayName: 'Other audiences a CIS2 token may also name',
    group: 'SignIn',
    registry: 'REG_MULTI_SZ',
    schema: z.array(text(500)).max(20),
    admx: { element: 'list' },
    default: 'none (a token addressed to the shell and to anything else is refused)',
    range: 'up to 20 client ids or audience values',
    description:
      "Audiences beside this client's id that an ID token or a logout token may also name. Leave empty unless CIS2 addresses your tokens to another of your registrations; set the relay's RELAY_TRUSTED_AUDIENCES to the same list (docs/relay.md).",
    rule: 'OpenID Connect Core 1.0 section 3.1.3.7: a token naming an audience the client does not trust is rejected; with several audiences, azp must be the client.',
    example: ['your-other-cis2-client-id'],
  },
  MaxAgeSeconds: {
    displayName: 'Maximum age of a CIS2 sign-in (max_age, seconds)',
    group: 'SignIn',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0, absoluteMax),
    admx: { element: 'decimal', min: 0, max: absoluteMax },
    default: 'not sent',
    range: `0 to ${absoluteMax}`,
    description: 'Sent to CIS2 as max_age; 0 forces a fresh authentication (the shell sends prompt=login anyway).',
    rule: 'OpenID Connect Core max_age; CIS2 requires prompt=login on every sign-in.',
    example: 0,
  },
  AuthTimeSkewSeconds: {
    displayName: 'Allowed clock difference with CIS2 (seconds)',
    group: 'SignIn',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0),
    admx: { element: 'decimal', min: 0, max: RULE_CAPS.AuthTimeSkewSeconds },
    default: String(DEFAULT_OIDC_SETTINGS.authTimeSkewSeconds),
    range: `0 to ${RULE_CAPS.AuthTimeSkewSeconds} (more is clamped to ${RULE_CAPS.AuthTimeSkewSeconds})`,
    description: "Allowed distance in seconds between CIS2's auth_time and the workstation clock.",
    rule: `CIS2 auth_time check: at most ${RULE_CAPS.AuthTimeSkewSeconds} s of clock skew.`,
    example: DEFAULT_OIDC_SETTINGS.authTimeSkewSeconds,
  },
} as const satisfies Record<string, SettingSpec>;
