import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/services/logger';
import { ShellError } from '../../main/core/errors';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { countingFetch, serviceFor } from './oidc/fixtures';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

describe('logger redaction', () => {
  it('never writes real sandbox tokens, codes or verifiers, however they are logged', async () => {
    const fetch = countingFetch();
    const { service, browser } = serviceFor(sandbox, 'dr-okafor', { fetch });
    expect((await service.signIn()).kind).toBe('signed-in');
    const tokens = fetch.tokenResponses[0] ?? {};
    const secrets = ['access_token', 'refresh_token', 'id_token'].map((k) => String(tokens[k]));
    const authUrl = browser.opened[0] ?? new URL('http://x');
    const codeRequest = fetch.requests.find((r) => r.body.includes('grant_type=authorization_code'))?.body ?? '';
    const params = new URLSearchParams(codeRequest);
    secrets.push(String(params.get('code')), String(params.get('code_verifier')), String(authUrl.searchParams.get('nonce')), String(authUrl.searchParams.get('state')));
    expect(secrets.every((s) => s.length >= 20 && s !== 'null')).toBe(true);

    const { lines, logger } = capture();
    logger.info({ tokens }, 'token response');
    logger.info({ body: codeRequest, nested: { deeper: [{ headers: { authorization: `Bearer ${secrets[0]}` } }] } }, 'request');
    logger.info({ accessToken: secrets[0], rt: secrets[1] }, `id token was ${secrets[2]}`);
    logger.info({ url: authUrl.href, callback: `http://127.0.0.1:1234/callback?code=${secrets[3]}&state=${secrets[6]}` });
    logger.warn({ err: new ShellError('SIGNIN_TOKEN_REJECTED', 'Refused.', { cause: tokens }) }, 'failed');
    logger.error(new Error(`exchange failed for ${secrets[2]}`));
    const out = lines.join('\n');
    expect(lines.length).toBe(6);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).toContain('SIGNIN_TOKEN_REJECTED');
    expect(out).toContain('[Redacted]');
  });

  it('keeps ordinary fields readable', () => {
    const { lines, logger } = capture();
    logger.info({ event: 'session.locked', state: 'locked', aal: 'AAL3' }, 'Session locked.');
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ event: 'session.locked', state: 'locked', aal: 'AAL3', msg: 'Session locked.' });
  });
});
