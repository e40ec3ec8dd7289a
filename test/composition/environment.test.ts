// The environment on every log line, and the start-up refusal of a Live issuer beside a
// development-only option (main/composition/environment.ts), over the real logger and audit.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { environmentOfPolicy, refuseLiveBesideDevelopment } from '../../main/composition/environment';
import { isShellError } from '../../main/core/errors';
import { auditEvents, createAudit } from '../../main/services/audit';
import { createLogger } from '../../main/services/logger';
import { CIS2_ISSUERS, resolveOidcSettings } from '../../main/services/oidc';
import { resolveMachinePolicy } from '../../main/services/policy/machine-policy';

function capture(environment?: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  const workstation = { host: 'ward-pc-7', account: 'kiosk', ...(environment === undefined ? {} : { environment }) };
  return { lines, logger: createLogger({ destination, level: 'info', workstation }) };
}

/** The machine policy as IT would set it on Linux: read from its JSON file's values. */
const policyOf = (values: Record<string, unknown>) =>
  resolveMachinePolicy(
    [{ source: '/etc/clinical-workstation-shell/policy.json', status: 'read', values, problems: [] }],
    {
      platform: 'linux',
      env: {},
      packaged: true,
    },
  );

const oidcFor = (issuer: string, allowInsecureLoopbackIssuer = false) =>
  resolveOidcSettings({ issuer, clientId: 'cws', allowInsecureLoopbackIssuer });

describe('the environment on every line', () => {
  it.each([
    ['live', 'live'],
    ['int', 'int'],
    ['dep', 'dep'],
    ['https://login.example.org/realms/ward', 'other'],
  ])('Issuer %s: every audit line and diagnostic names %s', (issuer, environment) => {
    const { lines, logger: bound } = capture(environmentOfPolicy(policyOf({ Issuer: issuer, ClientId: 'cws' })));
    const audit = createAudit(bound);
    audit.policyLoaded({ sources: ['here'], clamps: [], problems: [] });
    audit.signInStarted({ reauth: false });
    bound.info({ event: 'shell.started' }, 'Clinical Workstation Shell started.');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line['environment']).toBe(environment);
    expect(lines.filter((l) => l['audit'] === true)).toHaveLength(2);
  });

  it('names "other" when no issuer is configured (the shell then refuses to start for that)', () => {
    const { lines, logger } = capture(environmentOfPolicy(policyOf({})));
    logger.info('no issuer');
    expect(lines[0]?.['environment']).toBe('other');
  });
});

describe('a Live issuer beside development-only options', () => {
  const refusal = (context: Parameters<typeof refuseLiveBesideDevelopment>[0]) => {
    const { lines, logger } = capture();
    try {
      refuseLiveBesideDevelopment(context, createAudit(logger));
      return { error: null, lines };
    } catch (error) {
      return { error, lines };
    }
  };

  it('starts an installed shell on Live with its relay over https, writing nothing', () => {
    const policy = policyOf({ Issuer: 'live', ClientId: 'cws', RelayUrl: 'https://relay.trust.nhs.uk' });
    const { error, lines } = refusal({
      policy,
      developmentBuild: false,
      env: { CWS_POLICY_FILE: '/etc/clinical-workstation-shell/dev-policy.json' },
    });
    expect(error).toBeNull();
    expect(lines).toEqual([]);
  });

  it('refuses Live with a relay in plain http on this PC, naming RelayUrl and Issuer, with one audit line', () => {
    const policy = policyOf({ Issuer: 'live', ClientId: 'cws', RelayUrl: 'http://127.0.0.1:8080' });
    expect(policy.relayUrl).toBe('http://127.0.0.1:8080');
    const { error, lines } = refusal({ policy, developmentBuild: false, env: {} });
    expect(isShellError(error) && error.code).toBe('CONFIG_INVALID');
    const message = (error as Error).message;
    expect(message).toContain('CIS2 Live (Issuer)');
    expect(message).toContain('RelayUrl (plain http on a loopback address)');
    expect(message).toContain('docs/deploy.md');
    expect(lines).toEqual([
      expect.objectContaining({
        audit: true,
        event: auditEvents.environmentRefused,
        outcome: 'failure',
        code: 'CONFIG_INVALID',
        category: 'config',
        settings: ['RelayUrl (plain http on a loopback address)'],
        level: 50,
      }),
    ]);
  });

  it('refuses Live in a development build, naming the build and each development variable it reads', () => {
    const policy = policyOf({ Issuer: 'live', ClientId: 'cws' });
    const env = {
      CWS_SANDBOX_RELAY: 'http://127.0.0.1:9',
      CWS_POLICY_FILE: '/etc/clinical-workstation-shell/dev-policy.json',
      PATH: '/usr/bin',
    };
    const { error, lines } = refusal({ policy, developmentBuild: true, env });
    expect((error as Error).message).toContain('a development build (npm start), CWS_POLICY_FILE, CWS_SANDBOX_RELAY.');
    expect(lines[0]?.['settings']).toEqual(['a development build (npm start)', 'CWS_POLICY_FILE', 'CWS_SANDBOX_RELAY']);
  });

  it('refuses Live sign-in settings that allow a plain-http issuer', () => {
    const { error } = refusal({
      policy: { oidc: oidcFor(CIS2_ISSUERS.live, true), relayUrl: undefined },
      developmentBuild: false,
      env: {},
    });
    expect((error as Error).message).toContain('allowInsecureLoopbackIssuer');
  });

  it('lets INT, DEP, the sandbox and other issuers start beside development options', () => {
    for (const issuer of [CIS2_ISSUERS.int, CIS2_ISSUERS.dep, 'http://127.0.0.1:4000/issuer', 'https://idp.example'])
      expect(
        refusal({
          policy: { oidc: oidcFor(issuer, true), relayUrl: 'http://127.0.0.1:8080' },
          developmentBuild: true,
          env: { CWS_SANDBOX_ISSUER: issuer },
        }).error,
      ).toBeNull();
  });
});
