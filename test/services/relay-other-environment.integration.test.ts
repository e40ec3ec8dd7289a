/**
 * A relay set up for another registration (issue 25), end to end: the composed shell services
 * signed in against the CIS2 sandbox, connected over a real WebSocket to a real relay whose client
 * id is another's (as a relay for INT is beside a Live shell). The relay refuses the first ID token;
 * the shell stops using it, says so on every view and in an error line, and sends it nothing more.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../main/core/policy';
import { createAppServices } from '../../main/services/compose';
import type { RelaySocket } from '../../main/services/relay-client/client';
import { createMemorySecretStore } from '../../main/services/secret-store';
import { ManualTime } from '../../main/services/time';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { startTestRelay } from '../relay/fixtures/relays';
import { ScriptedBrowser, sandboxSettings } from './oidc/fixtures';

let sandbox: Sandbox;
let root: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  root = await mkdtemp(join(tmpdir(), 'cws-relay-env-'));
});

afterAll(async () => {
  await sandbox?.close();
  await rm(root, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

describe('a relay for another registration', () => {
  it('refuses the first ID token; the shell stops using it, and every view and an error line say so', async () => {
    const relay = await startTestRelay({ issuer: sandbox.issuer, clientId: 'another-environments-client' });
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const sockets: WebSocket[] = [];
    const channel = new ManualTime({ wall: Date.now(), mono: 0 });
    const services = await createAppServices({
      oidc: sandboxSettings(sandbox),
      policy: resolvePolicy({}).policy,
      browser: new ScriptedBrowser((url) => sandbox.loginAs(url, 'dr-okafor')),
      time: new ManualTime({ wall: Date.now(), mono: 0 }),
      logger,
      secretStore: createMemorySecretStore(),
      draftsDir: join(root, 'drafts'),
      relay: {
        url: relay.url,
        time: channel,
        openSocket: (url, protocols) => {
          const ws = new WebSocket(url, [...protocols]);
          sockets.push(ws);
          return ws as unknown as RelaySocket;
        },
      },
    });
    try {
      const views: unknown[] = [];
      services.session.backend.subscribe((view) => views.push(view));
      expect(services.session.view().workstation).toEqual({ organisation: null, environment: 'sandbox' });
      services.session.backend.signIn();
      await until('the sign-in', () => services.session.view().kind === 'active');
      const refused = () => lines.filter((l) => l['event'] === 'relay.refused');
      await until('the relay to refuse', () => refused().length > 0);
      expect(refused()).toEqual([
        expect.objectContaining({
          level: 50,
          audit: true,
          reason: 'wrong-client',
          stopped: true,
          code: 'CONFIG_INVALID',
        }),
      ]);
      // The view that said so was pushed at once, and every view after it says it too.
      await until('the view to say so', () => services.session.view().workstation?.relayRefused === true);
      expect(views.at(-1)).toMatchObject({
        kind: 'active',
        workstation: { environment: 'sandbox', relayRefused: true },
      });
      await until('the socket to close', () => sockets.every((s) => s.readyState === WebSocket.CLOSED));
      // A lock and an unlock would register again with any other relay: not with this one.
      channel.advance(24 * 60 * 60_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(sockets).toHaveLength(1);
      expect(refused()).toHaveLength(1);
      expect(services.session.view().workstation?.relayRefused).toBe(true);
    } finally {
      await services.close();
      await relay.close();
    }
  });
});
