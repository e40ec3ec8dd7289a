/**
 * The harness: the real main-process services in Node, the CIS2 sandbox, and the real
 * renderer bundle served to a browser, with `window.shell` over a loopback WebSocket.
 * Everything Electron would do is replaced by a port: a manual clock for time, the control
 * API for OS events, and a recording "system browser" that the control API completes as a
 * sandbox clinician. See docs/harness.md for the control API.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { faultWords } from '../../main/core/faults';
import { resolvePolicy } from '../../main/core/policy';
import type { PolicyInput } from '../../main/core/policy';
import { createAppServices } from '../../main/services/compose';
import type { AppServices } from '../../main/services/compose';
import { createAudit } from '../../main/services/audit';
import { createLogger } from '../../main/services/logger';
import { resolveOidcSettings } from '../../main/services/oidc';
import { startPresence } from '../../main/services/presence/start';
import type { Presence } from '../../main/services/presence/start';
import { createKeyringSecretStore, createMemorySecretStore } from '../../main/services/secret-store';
import type { SecretStore } from '../../main/services/secret-store';
import { ManualTime, systemTime } from '../../main/services/time';
import { parseRelayConfig } from '../../relay/config';
import { INGRESS_PATH } from '../../relay/ingress';
import { startRelay } from '../../relay/relay';
import type { Relay } from '../../relay/relay';
import { freePort } from '../../sandbox/ports';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox, SandboxOptions } from '../../sandbox/provider';
import { handleControl } from './control';
import { harnessSmartcard, prepareHarnessSmartcard } from './smartcard';
import type { HarnessSmartcard, HarnessSmartcardOptions } from './smartcard';
import { harnessScriptPath, serveRenderer } from './static-files';
import { attachShellSocket } from './ws-transport';

export interface HarnessOptions {
  /** 0 (default): any free port. */
  readonly port?: number;
  readonly rendererDir?: string;
  readonly policy?: PolicyInput;
  /** Machine policy's OrganisationName (the header's organisation on every screen); absent: none. */
  readonly organisationName?: string;
  /** 'keyring': the OS credential store (falls back to memory when it is unusable). */
  readonly secretStore?: 'keyring' | 'memory' | 'unavailable';
  readonly draftsDir?: string;
  readonly logLevel?: string;
  /**
   * A smartcard reader, watched by the real smartcard source with the gate around the backend
   * (as main/index.ts has them): simulated PC/SC by default, or a real stack (test/harness/virtual-card.ts).
   * Absent: no reader is watched, and PC/SC is never loaded.
   */
  readonly smartcard?: HarnessSmartcardOptions;
  /** Each request the CIS2 sandbox's provider handled, with its span (benchmarks: bench/handover.bench.ts). */
  readonly onProviderRequest?: SandboxOptions['onProviderRequest'];
}

export interface Harness {
  /** The page to open: carries the per-run secret in its fragment. */
  readonly pageUrl: string;
  readonly origin: string;
  readonly secret: string;
  readonly time: ManualTime;
  readonly services: AppServices;
  readonly sandbox: Sandbox;
  /** The trust's back-channel logout relay the sandbox posts to and the shell listens on. */
  readonly relay: Relay;
  readonly secretStoreKind: 'keyring' | 'memory' | 'unavailable';
  /** The smartcard source and its card, when the harness was started with `smartcard`. */
  readonly smartcard: HarnessSmartcard | null;
  /** Every presence source, started by startPresence as main/index.ts starts them (audited at each sign-in). */
  readonly presence: Presence;
  /** POST/GET a control endpoint (see docs/harness.md) with the secret. */
  control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The harness is no ward PC's OS: its OS signals come from the control API (/control/os/*), never
 * from this machine's buses or session. So startPresence runs here as on a platform of its own:
 * the sources registered for every platform (the smartcard, with the smartcard option) run as on a
 * ward PC, and those registered for one platform (logind and the screen saver, WTS) are listed as
 * not on this platform rather than watching the machine the tests run on.
 */
const harnessPlatform = 'harness';

/** pino's numeric levels, for the console filter. */
const pinoLevels: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

export class PendingBrowser {
  private url: URL | null = null;
  private waiters: Array<(url: URL) => void> = [];
  open = async (url: URL): Promise<void> => {
    this.url = url;
    for (const w of this.waiters.splice(0)) w(url);
  };
  take(timeoutMs: number): Promise<URL> {
    const url = this.url;
    if (url) {
      this.url = null;
      return Promise.resolve(url);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no sign-in is waiting in the browser')), timeoutMs);
      this.waiters.push((u) => {
        clearTimeout(timer);
        this.url = null;
        resolve(u);
      });
    });
  }
  get waiting(): boolean {
    return this.url !== null;
  }
}

async function bundleClient(): Promise<string> {
  const out = await build({
    entryPoints: [resolve(import.meta.dirname, 'client/shell-over-ws.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('the harness client did not bundle');
  return file.text;
}

async function chooseStore(
  kind: HarnessOptions['secretStore'],
): Promise<{ store: SecretStore; kind: Harness['secretStoreKind'] }> {
  if (kind === 'memory') return { store: createMemorySecretStore(), kind: 'memory' };
  if (kind === 'unavailable') return { store: createMemorySecretStore({ available: false }), kind: 'unavailable' };
  const keyring = createKeyringSecretStore();
  if (await keyring.probe()) return { store: keyring, kind: 'keyring' };
  return { store: createMemorySecretStore(), kind: 'memory' };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = options.rendererDir ?? resolve(import.meta.dirname, '../../dist/renderer');
  const secret = randomBytes(24).toString('base64url');
  const runId = randomBytes(6).toString('hex');
  const clientScript = await bundleClient();
  // The trust's logout relay, as on a ward: the sandbox posts CIS2's logout tokens to it, and the
  // shell listens there while a clinician is signed in. Its port is chosen first, so the sandbox
  // knows where to post.
  const relayPort = await freePort();
  const sandbox = await startSandbox({
    backchannelLogoutUri: `http://127.0.0.1:${relayPort}${INGRESS_PATH}`,
    ...(options.onProviderRequest ? { onProviderRequest: options.onProviderRequest } : {}),
  });
  const relay = await startRelay(
    parseRelayConfig({
      issuer: sandbox.issuer,
      clientId: sandbox.clientId,
      allowInsecureLoopbackIssuer: true,
      host: '127.0.0.1',
      port: relayPort,
      adminPort: 0,
      logLevel: options.logLevel ?? 'warn',
    }),
  );
  const browser = new PendingBrowser();
  // The sandbox provider runs on real time, so the session clock starts at real time too.
  const time = new ManualTime({ wall: Date.now(), mono: 0 });
  const ownDraftsDir = options.draftsDir === undefined;
  const draftsDir = options.draftsDir ?? (await mkdtemp(join(tmpdir(), 'cws-harness-drafts-')));
  const { store, kind } = await chooseStore(options.secretStore ?? 'keyring');
  const keyringService = `clinical-workstation-shell/harness-${runId}`;
  // Audit lines are kept for GET /control/audit (every level: role.changed, unlocks… are info);
  // the console still gets only what logLevel asks for.
  const audit: Record<string, unknown>[] = [];
  const consoleLevel = pinoLevels[options.logLevel ?? 'warn'] ?? 40;
  const logger = createLogger({
    level: 'info',
    destination: {
      write(line: string) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry['audit'] === true) audit.push(entry);
        if (typeof entry['level'] === 'number' && entry['level'] >= consoleLevel) process.stdout.write(line);
      },
    },
  });
  // The machine policy as IT has it now: read again at each sign-in and unlock, as on a ward PC.
  // POST /control/policy changes it.
  const machine = { policy: resolvePolicy(options.policy ?? {}).policy };
  const services = await createAppServices({
    oidc: resolveOidcSettings({
      issuer: sandbox.issuer,
      clientId: sandbox.clientId,
      allowInsecureLoopbackIssuer: true,
    }),
    policy: machine.policy,
    rereadPolicy: async () => machine.policy,
    organisation: options.organisationName ?? null,
    relay: { url: relay.url, time: systemTime() },
    browser,
    time,
    logger,
    secretStore: store,
    draftsDir,
    draftsKeyringService: keyringService,
    // OIDC checks (auth_time, token expiry) run on real time, as the sandbox does.
    signInClock: Date.now,
  });

  // Every presence source, as main/index.ts starts them, audited at each sign-in (presence.sources).
  // The card leaving the reader locks at once; RequireSmartcard gates sign-in.
  const rig = options.smartcard ? prepareHarnessSmartcard(options.smartcard) : null;
  const presence = startPresence({
    platform: harnessPlatform,
    env: {},
    pid: process.pid,
    events: services.session.os,
    ...(rig ? { smartcard: rig.watch } : {}),
    audit: createAudit(logger),
    session: services.session,
    onError: (code) => logger.error({ event: 'adapter.error', code }, faultWords[code]),
  });
  const smartcard = rig && presence.smartcard ? await harnessSmartcard(rig, presence.smartcard) : null;
  const backend = smartcard ? smartcard.gate(services.session.backend) : services.session.backend;

  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin || 'http://127.0.0.1');
    if (url.pathname.startsWith('/control/')) {
      void handleControl({ req, res, url, secret, services, sandbox, browser, time, machine, relay, audit, smartcard });
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname === harnessScriptPath) {
      res
        .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
        .end(clientScript);
      return;
    }
    void serveRenderer(rendererDir, url.pathname, res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const detachSocket = attachShellSocket(server, backend, secret, () => origin);

  async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`control ${method} ${path} failed (${res.status}): ${JSON.stringify(json)}`);
    return json;
  }

  return {
    pageUrl: `${origin}/#secret=${secret}`,
    origin,
    secret,
    time,
    services,
    sandbox,
    relay,
    secretStoreKind: kind,
    smartcard,
    presence,
    control,
    async close() {
      await detachSocket();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await presence.dispose();
      await services.close();
      await relay.close();
      await sandbox.close();
      if (kind === 'keyring') {
        for (const account of await store.accounts(keyringService).catch(() => []))
          await store.delete(keyringService, account).catch(() => false);
      }
      if (ownDraftsDir) await rm(draftsDir, { recursive: true, force: true });
    },
  };
}
