// Which CIS2 environment an issuer is (main/core/environment.ts), and what may not stand beside
// Live. Issuers are parsed with `new URL`, as the callers do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { developmentOptionsBesideLive, environmentOf } from '../../main/core/environment';
import type { Cis2Environment, StartingOptions } from '../../main/core/environment';
import { CIS2_ISSUERS } from '../../main/services/oidc';

const of = (issuer: string): Cis2Environment => environmentOf(new URL(issuer));
const LIVE_HOST = 'am.nhsidentity.spineservices.nhs.uk';

describe('the environment of an issuer', () => {
  it('is the preset it came from, for each of the shell’s CIS2 issuers (int, dep, live)', () => {
    expect(of(CIS2_ISSUERS.live)).toBe('live');
    expect(of(CIS2_ISSUERS.int)).toBe('int');
    expect(of(CIS2_ISSUERS.dep)).toBe('dep');
  });

  it.each([
    ['Live in capitals (the parser lowercases the host)', 'HTTPS://AM.NHSIDENTITY.SPINESERVICES.NHS.UK/openam', 'live'],
    ['Live with a trailing dot', `https://${LIVE_HOST}./openam/oauth2/realms/root`, 'live'],
    ['Live on another path or port', `https://${LIVE_HOST}:8443/other`, 'live'],
    [
      'the sandbox on 127.0.0.1',
      'http://127.0.0.1:4000/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
      'sandbox',
    ],
    ['the sandbox on [::1]', 'http://[::1]:4000/issuer', 'sandbox'],
    ['https on loopback (not the sandbox, not CIS2)', 'https://127.0.0.1:4000/issuer', 'other'],
    ['plain http to the Live host', `http://${LIVE_HOST}/openam`, 'other'],
    ['plain http to localhost (a name, not loopback)', 'http://localhost:4000/', 'other'],
    ['another OpenID Provider', 'https://login.example.org/realms/ward', 'other'],
    ['a look-alike ending in the Live host', `https://evil${LIVE_HOST}/`, 'other'],
    ['a look-alike under the Live host', `https://x.${LIVE_HOST}/`, 'other'],
    ['the Live host inside another name', `https://${LIVE_HOST}.evil.example/`, 'other'],
    ['the Live host as userinfo', `https://${LIVE_HOST}@evil.example/`, 'other'],
    ['the Live host in the path', `https://evil.example/${LIVE_HOST}`, 'other'],
    ['another spineservices host', 'https://am.nhsspit.auth-ptl.cis2.spineservices.nhs.uk/openam', 'other'],
  ])('%s', (_what, issuer, expected) => {
    expect(of(issuer)).toBe(expected);
  });

  it('is Live for no host but the Live host, whatever the host is', () => {
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const host = fc.oneof(
      fc.constantFrom(LIVE_HOST, `${LIVE_HOST}.`, LIVE_HOST.toUpperCase()),
      fc.array(label, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
      fc.array(label, { minLength: 1, maxLength: 2 }).map((parts) => `${parts.join('.')}.${LIVE_HOST}`),
      label.map((l) => `${LIVE_HOST}.${l}`),
    );
    fc.assert(
      fc.property(host, fc.constantFrom('https', 'http'), (name, scheme) => {
        const url = new URL(`${scheme}://${name}/openam`);
        const live = url.hostname.replace(/\.$/, '') === LIVE_HOST && url.protocol === 'https:';
        expect(environmentOf(url) === 'live').toBe(live);
      }),
    );
  });
});

describe('development-only options beside a Live issuer', () => {
  const clean: StartingOptions = {
    environment: 'live',
    developmentBuild: false,
    developmentVariables: [],
    allowInsecureLoopbackIssuer: false,
    relayTransport: 'tls',
  };

  it('finds none in an installed shell on Live with a relay over TLS, or none at all', () => {
    expect(developmentOptionsBesideLive(clean)).toEqual([]);
    expect(developmentOptionsBesideLive({ ...clean, relayTransport: null })).toEqual([]);
  });

  it('names each one set beside Live', () => {
    expect(
      developmentOptionsBesideLive({
        environment: 'live',
        developmentBuild: true,
        developmentVariables: ['CWS_POLICY_FILE', 'CWS_SANDBOX_RELAY'],
        allowInsecureLoopbackIssuer: true,
        relayTransport: 'loopback',
      }),
    ).toEqual([
      'a development build (npm start)',
      'CWS_POLICY_FILE',
      'CWS_SANDBOX_RELAY',
      'allowInsecureLoopbackIssuer',
      'RelayUrl (plain http on a loopback address)',
    ]);
    expect(developmentOptionsBesideLive({ ...clean, relayTransport: 'loopback' })).toEqual([
      'RelayUrl (plain http on a loopback address)',
    ]);
  });

  it('finds none off Live, whatever is set: INT, DEP, the sandbox and other issuers are for testing', () => {
    for (const environment of ['int', 'dep', 'sandbox', 'other'] as const)
      expect(
        developmentOptionsBesideLive({
          environment,
          developmentBuild: true,
          developmentVariables: ['CWS_SANDBOX_ISSUER'],
          allowInsecureLoopbackIssuer: true,
          relayTransport: 'loopback',
        }),
      ).toEqual([]);
  });
});
