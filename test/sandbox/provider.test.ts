import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_REALM_PATH, startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';

let sandbox: Sandbox;
const received: string[] = [];
const bcl = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push(body);
    res.writeHead(200).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => bcl.listen(0, '127.0.0.1', () => r()));
  sandbox = await startSandbox({
    backchannelLogoutUri: `http://127.0.0.1:${(bcl.address() as AddressInfo).port}/backchannel-logout`,
  });
});
afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((r) => bcl.close(() => r()));
});

async function metadata(): Promise<Record<string, unknown>> {
  return (await (await fetch(`${sandbox.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
}

function authUrl(extra: Record<string, string> = {}, of: Sandbox = sandbox): URL {
  const url = new URL(`${of.issuer}/auth`);
  const params = {
    client_id: of.clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: 'http://127.0.0.1:45678/callback',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    state: 's',
    nonce: 'n',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

describe('CIS2 sandbox', () => {
  it('publishes CIS2-like metadata: realm path issuer, iss response parameter, S256, acr values, back-channel logout', async () => {
    expect(sandbox.issuer).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+${SANDBOX_REALM_PATH.replace(/\//g, '\\/')}$`),
    );
    const m = await metadata();
    expect(m['issuer']).toBe(sandbox.issuer);
    expect(m['authorization_response_iss_parameter_supported']).toBe(true);
    expect(m['code_challenge_methods_supported']).toEqual(['S256']);
    expect(m['acr_values_supported']).toEqual(expect.arrayContaining(['AAL3_ANY', 'AAL2_OR_AAL3_ANY']));
    expect(m['backchannel_logout_supported']).toBe(true);
    expect(m['scopes_supported']).toEqual(expect.arrayContaining(['nationalrbacaccess', 'selectedrole']));
  });

  it('lists its clinicians on the login page, including AAL3 with two roles, AAL2, and no role', async () => {
    const first = await fetch(authUrl(), { redirect: 'manual' });
    expect(first.status).toBe(303);
    const page = await fetch(new URL(first.headers.get('location') ?? '', sandbox.issuer), {
      headers: {
        cookie: first.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; '),
      },
    });
    const html = await page.text();
    for (const c of sandbox.clinicians) expect(html).toContain(c.name);
    expect(sandbox.clinicians.some((c) => c.acr === 'AAL3_ANY' && c.roles.length === 2)).toBe(true);
    expect(sandbox.clinicians.some((c) => c.acr === 'AAL2_ANY')).toBe(true);
    expect(sandbox.clinicians.some((c) => c.roles.length === 0)).toBe(true);
  });

  it('requires PKCE and accepts any loopback port for the native client', async () => {
    const noPkce = authUrl();
    noPkce.searchParams.delete('code_challenge');
    noPkce.searchParams.delete('code_challenge_method');
    const refused = await sandbox.completeLogin(noPkce, 'dr-okafor').catch((e: unknown) => e);
    expect(refused instanceof URL ? refused.searchParams.get('error') : 'redirected nowhere').toBe('invalid_request');
    const callback = await sandbox.completeLogin(
      authUrl({ redirect_uri: 'http://127.0.0.1:51234/callback' }),
      'dr-okafor',
    );
    expect(callback.origin).toBe('http://127.0.0.1:51234');
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('iss')).toBe(sandbox.issuer);
  });

  it('posts a valid back-channel logout token signed with its published keys', async () => {
    expect(await sandbox.backchannelLogout({ sub: '555000000001', sid: 'sid-1' })).toBe(200);
    const token = new URLSearchParams(received.at(-1)).get('logout_token') ?? '';
    const jwks = createRemoteJWKSet(new URL(String((await metadata())['jwks_uri'])));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: sandbox.issuer,
      audience: sandbox.clientId,
    });
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload).toMatchObject({
      sub: '555000000001',
      sid: 'sid-1',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    expect(payload['nonce']).toBeUndefined();
  });

  it("ends a named clinician's CIS2 session as CIS2 does: a logout token naming them, posted to the client", async () => {
    expect(await sandbox.endSessionOf('dr-okafor')).toBe(200);
    const token = new URLSearchParams(received.at(-1)).get('logout_token') ?? '';
    const jwks = createRemoteJWKSet(new URL(String((await metadata())['jwks_uri'])));
    const { payload } = await jwtVerify(token, jwks, { issuer: sandbox.issuer, audience: sandbox.clientId });
    expect(payload).toMatchObject({
      sub: '555000000001',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    await expect(sandbox.endSessionOf('nobody')).rejects.toThrow(/no sandbox clinician/);
  });

  it('ends every session when its lifetime is over (12 hours, as CIS2) and posts the logout', async () => {
    const before = received.length;
    const short = await startSandbox({
      backchannelLogoutUri: `http://127.0.0.1:${(bcl.address() as AddressInfo).port}/backchannel-logout`,
      sessionLifetimeMs: 200,
    });
    try {
      await short.completeLogin(authUrl({}, short), 'nurse-hughes');
      expect(received.length).toBe(before);
      // Awaited, not slept on: the 200 ms lifetime ends and the sandbox posts (at most 5 s here).
      await expect.poll(() => received.length, { timeout: 5_000 }).toBe(before + 1);
      const token = new URLSearchParams(received.at(-1)).get('logout_token') ?? '';
      expect(received.length).toBe(before + 1);
      expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({
        sub: '555000000002',
        iss: short.issuer,
      });
    } finally {
      await short.close();
    }
  });

  it('`npm run sandbox` prints its issuer', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      child.once('exit', () => reject(new Error('sandbox exited early')));
    });
    child.kill('SIGTERM');
    expect(line).toMatch(
      /^issuer: http:\/\/127\.0\.0\.1:\d+\/openam\/oauth2\/realms\/root\/realms\/NHSIdentity\/realms\/Healthcare$/,
    );
  });
});
