// Sign-in benchmark: from the loopback callback arriving to the session being established
// (token exchange + ID token validation + our checks + userinfo), against the local CIS2 sandbox,
// beside the same flow written with bare openid-client calls. Run alone: npx tsx bench/signin.bench.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as client from 'openid-client';
import { pino } from 'pino';
import { createSignInService } from '../main/services/oidc';
import { resolveOidcSettings } from '../main/services/oidc/settings';
import { startSandbox } from '../sandbox/provider';
import type { Sandbox } from '../sandbox/provider';
import { summarise } from './lib/stats';

export interface Stats {
  readonly medianMs: number;
  readonly p95Ms: number;
}
export interface SignInBenchResult {
  readonly runs: number;
  readonly baseline: Stats;
  readonly shell: Stats;
  /** shell median / baseline median; target ≤ 1.2 */
  readonly ratio: number;
}

function stats(samples: number[]): Stats {
  const { median, p95 } = summarise(samples);
  return { medianMs: median, p95Ms: p95 };
}

/**
 * The app under test: the real sign-in service (one instance, as in the app, so discovery and the
 * JWKS are cached as they would be), timed from the callback request to signIn() resolving.
 */
function shellRunner(sandbox: Sandbox): () => Promise<number> {
  let t0 = 0;
  let callbackDone: Promise<unknown> = Promise.resolve();
  const service = createSignInService({
    settings: resolveOidcSettings({
      issuer: sandbox.issuer,
      clientId: sandbox.clientId,
      allowInsecureLoopbackIssuer: true,
    }),
    logger: pino({ level: 'silent' }),
    browser: {
      async open(url) {
        const callback = await sandbox.completeLogin(url, 'dr-okafor');
        t0 = performance.now();
        callbackDone = fetch(callback, { redirect: 'manual' }).then((r) => r.arrayBuffer());
      },
    },
  });
  return async () => {
    const outcome = await service.signIn();
    const elapsed = performance.now() - t0;
    await callbackDone;
    if (outcome.kind !== 'signed-in') throw new Error(`benchmark sign-in ended as ${outcome.kind}`);
    return elapsed;
  };
}

/** Baseline: a bare node:http loopback listener and bare openid-client calls, same checks. */
async function baselineOnce(sandbox: Sandbox, config: client.Configuration): Promise<number> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  let t0 = 0;
  let finish: (ms: number) => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const done = new Promise<number>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    res.writeHead(303, { location: '/done' }).end();
    void (async () => {
      const tokens = await client.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('no ID token');
      await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      finish(performance.now() - t0);
    })().catch(fail);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile nationalrbacaccess selectedrole',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    prompt: 'login',
    acr_values: 'AAL2_OR_AAL3_ANY',
  });
  const callback = await sandbox.completeLogin(authUrl, 'dr-okafor');
  t0 = performance.now();
  await fetch(callback, { redirect: 'manual' }).then((r) => r.arrayBuffer());
  const elapsed = await done;
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
  return elapsed;
}

export async function runSignInBench(runs = 200, warmup = 20): Promise<SignInBenchResult> {
  const sandbox = await startSandbox();
  try {
    const config = await client.discovery(new URL(sandbox.issuer), sandbox.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    client.enableNonRepudiationChecks(config);
    const shellOnce = shellRunner(sandbox);
    const base: number[] = [];
    const shell: number[] = [];
    // Interleaved so drift on a shared machine hits both sides alike.
    for (let i = 0; i < warmup + runs; i += 1) {
      const b = await baselineOnce(sandbox, config);
      const s = await shellOnce();
      if (i >= warmup) {
        base.push(b);
        shell.push(s);
      }
    }
    const baseline = stats(base);
    const ours = stats(shell);
    return { runs, baseline, shell: ours, ratio: ours.medianMs / baseline.medianMs };
  } finally {
    await sandbox.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runSignInBench();
  const f = (n: number): string => n.toFixed(2);
  process.stdout.write(
    `Sign-in, callback → session (${r.runs} runs)\n` +
      `  bare openid-client: median ${f(r.baseline.medianMs)} ms, p95 ${f(r.baseline.p95Ms)} ms\n` +
      `  shell sign-in:      median ${f(r.shell.medianMs)} ms, p95 ${f(r.shell.p95Ms)} ms\n` +
      `  ratio (median):     ${f(r.ratio)}× (target ≤ 1.2×, and ≤ 50 ms median)\n`,
  );
}
