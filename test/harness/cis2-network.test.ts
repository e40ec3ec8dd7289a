/**
 * The harness's control over CIS2's side of the network (docs/harness.md): POST
 * /control/cis2/outage makes the sandbox drop or refuse (503) the token endpoint or every request,
 * until { "mode": null }; POST /control/cis2/revoke-refresh ends a clinician's sessions for
 * refresh at the sandbox. Checked over real HTTP against the harness's own sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './harness';
import type { Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ secretStore: 'memory' });
});
afterAll(() => h.close());

/** A control call answered with an error: its status and message (h.control throws on those). */
async function refused(path: string, body: unknown): Promise<{ status: number; error: string }> {
  const res = await fetch(`${h.origin}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, error: ((await res.json()) as { error: string }).error };
}

const discovery = (): string => `${h.sandbox.issuer}/.well-known/openid-configuration`;
const token = (): string => `${h.sandbox.issuer}/token`;
/** A refresh_token grant with a token the sandbox never issued: the provider itself answers it (400). */
const postToken = (): Promise<Response> =>
  fetch(token(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-one', client_id: h.sandbox.clientId }),
  });
const resetCode = (error: unknown): unknown => ((error as Error).cause as { code?: string } | undefined)?.code;

describe('POST /control/cis2/outage', () => {
  it('drops the token endpoint by default (discovery still answers), and { "mode": null } ends it', async () => {
    expect(await h.control('POST', '/control/cis2/outage', { mode: 'drop' })).toMatchObject({
      outage: { mode: 'drop', scope: 'token-endpoint' },
      status: 'signed-out',
    });
    expect(resetCode(await postToken().catch((e: unknown) => e))).toBe('ECONNRESET');
    expect((await fetch(discovery())).status).toBe(200);

    expect(await h.control('POST', '/control/cis2/outage', { mode: null })).toMatchObject({ outage: null });
    expect((await postToken()).status).toBe(400);
  });

  it('"unavailable" everywhere: 503 with Retry-After: 30 from discovery and the token endpoint alike', async () => {
    expect(await h.control('POST', '/control/cis2/outage', { mode: 'unavailable', scope: 'everything' })).toMatchObject(
      { outage: { mode: 'unavailable', scope: 'everything' } },
    );
    for (const answer of [await fetch(discovery()), await postToken()]) {
      expect([answer.status, answer.headers.get('retry-after')]).toEqual([503, '30']);
    }
    await h.control('POST', '/control/cis2/outage', { mode: null });
    expect((await fetch(discovery())).status).toBe(200);
  });

  it.each([
    [{}, '"mode" must be "drop", "unavailable", or null to end the outage'],
    [{ mode: 'offline' }, '"mode" must be "drop", "unavailable", or null to end the outage'],
    [{ mode: 'drop', scope: 'userinfo' }, '"scope" must be "token-endpoint" (the default) or "everything"'],
    [{ mode: null, scope: 'everything' }, '"scope" goes with a "mode"; { "mode": null } ends the outage'],
    [{ mode: 'drop', scop: 'everything' }, 'unknown field "scop"; send "mode" and "scope"'],
  ])('refuses %j with 400 and changes nothing', async (body, error) => {
    expect(await refused('/control/cis2/outage', body)).toEqual({ status: 400, error });
    expect((await postToken()).status).toBe(400);
  });
});

describe('POST /control/cis2/revoke-refresh', () => {
  it("revokes the signed-in clinician's grant and answers how many; none is left after", async () => {
    await h.services.session.backend.signIn();
    await h.control('POST', '/control/sign-in/complete', { clinician: 'nurse-hughes' });
    expect(await h.control('POST', '/control/cis2/revoke-refresh', { clinician: 'nurse-hughes' })).toMatchObject({
      revoked: 1,
      status: 'active',
    });
    expect(await h.control('POST', '/control/cis2/revoke-refresh', { clinician: 'nurse-hughes' })).toMatchObject({
      revoked: 0,
    });
    expect(await h.control('POST', '/control/cis2/revoke-refresh', { clinician: 'dr-okafor' })).toMatchObject({
      revoked: 0,
    });
  });

  it('refuses a clinician the sandbox does not have with 400', async () => {
    const answer = await refused('/control/cis2/revoke-refresh', { clinician: 'nobody' });
    expect(answer.status).toBe(400);
    expect(answer.error).toMatch(/^"clinician" must be one of: dr-okafor, nurse-hughes/);
  });
});
