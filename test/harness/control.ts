/**
 * The harness control API (loopback HTTP, Bearer per-run secret): move the manual clock,
 * raise OS events, complete a pending browser sign-in as a sandbox clinician, make CIS2 end a
 * session, revoke a clinician's refresh tokens or become unreachable, read the session. Every
 * endpoint is documented with an example in docs/harness.md.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isOsSignal } from '../../main/core/os-signals';
import type { AppServices } from '../../main/services/compose';
import { resolvePolicy } from '../../main/core/policy';
import type { PolicyInput, SessionPolicy } from '../../main/core/policy';
import { isShellError } from '../../main/core/errors';
import type { ManualTime } from '../../main/services/time';
import type { Relay } from '../../relay/relay';
import type { Outage, Sandbox } from '../../sandbox/provider';
import type { PendingBrowser } from './harness';
import { actOnSmartcard, smartcardActions } from './smartcard';
import type { HarnessSmartcard, SmartcardAction } from './smartcard';

export interface ControlContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly secret: string;
  readonly services: AppServices;
  readonly sandbox: Sandbox;
  readonly browser: PendingBrowser;
  readonly time: ManualTime;
  /** The machine policy the next sign-in or unlock reads. */
  readonly machine: { policy: SessionPolicy };
  readonly relay: Relay;
  /** The audit lines the shell wrote, oldest first (GET /control/audit). */
  readonly audit: readonly Record<string, unknown>[];
  /** The smartcard source and its card, when the harness runs one. */
  readonly smartcard?: HarnessSmartcard | null;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function authorised(req: IncomingMessage, secret: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${secret}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 64 * 1024) throw new ControlError(413, 'body too large');
  }
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ControlError(400, 'body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * An OS idle reading: seconds, as powerMonitor.getSystemIdleTime() gives; also what a faulty
 * reading would be (a negative number, or "NaN" / "Infinity", which JSON cannot carry as numbers).
 */
function idleReading(body: Record<string, unknown>): number {
  const value = body['seconds'];
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  throw new ControlError(400, '"seconds" must be a number, or "NaN", "Infinity" or "-Infinity" for a faulty reading');
}

function nonNegative(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ControlError(400, `"${field}" must be a non-negative number`);
  return value;
}

export function snapshot(ctx: Pick<ControlContext, 'services' | 'browser' | 'time'>): Record<string, unknown> {
  const state = ctx.services.session.state();
  return {
    view: ctx.services.session.view(),
    status: state.status,
    reason: 'reason' in state ? state.reason : null,
    pendingSignIn: ctx.browser.waiting,
    draftStorage: ctx.services.vault.storage,
    now: ctx.time.now(),
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new ControlError(504, 'the sign-in did not finish in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The smartcard settings of a /control/policy body: absent ones go back to their defaults, as a setting IT removes does. */
function smartcardPolicy(
  value: unknown,
  smartcard: HarnessSmartcard | null,
): { requireSmartcard: boolean; lockOnCardRemoval: boolean } {
  if (value !== undefined && !smartcard)
    throw new ControlError(400, 'this harness watches no smartcard reader; start it with the smartcard option');
  const fields = value ?? {};
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new ControlError(400, '"smartcard" must be an object');
  const { requireSmartcard = false, lockOnCardRemoval = true, ...rest } = fields as Record<string, unknown>;
  if (typeof requireSmartcard !== 'boolean' || typeof lockOnCardRemoval !== 'boolean' || Object.keys(rest).length > 0) {
    throw new ControlError(
      400,
      '"smartcard" takes only "requireSmartcard" and "lockOnCardRemoval", each true or false',
    );
  }
  return { requireSmartcard, lockOnCardRemoval };
}

const outageModes = ['drop', 'unavailable'] as const;
const outageScopes = ['token-endpoint', 'everything'] as const;

/** The outage a /control/cis2/outage body asks for: `{ "mode": null }` ends one; scope defaults to the token endpoint. */
function outageOf(body: Record<string, unknown>): Outage | null {
  const { mode, scope, ...rest } = body;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    throw new ControlError(400, `unknown field ${JSON.stringify(extra[0])}; send "mode" and "scope"`);
  if (mode === null) {
    if (scope !== undefined)
      throw new ControlError(400, '"scope" goes with a "mode"; { "mode": null } ends the outage');
    return null;
  }
  if (!(outageModes as readonly unknown[]).includes(mode))
    throw new ControlError(400, '"mode" must be "drop", "unavailable", or null to end the outage');
  if (scope !== undefined && !(outageScopes as readonly unknown[]).includes(scope))
    throw new ControlError(400, '"scope" must be "token-endpoint" (the default) or "everything"');
  return { mode: mode as Outage['mode'], scope: (scope ?? 'token-endpoint') as Outage['scope'] };
}

async function route(ctx: ControlContext): Promise<unknown> {
  const { req, url, services, sandbox, browser, time } = ctx;
  const path = url.pathname.replace(/^\/control/, '');
  const post = req.method === 'POST';
  const body = post ? await readJson(req) : {};
  const shell = services.session;
  // Done when no attempt is open in the browser: no sign-in or unlock, and no working re-authentication (renew, role change).
  const attemptOpen = (): boolean => {
    const state = shell.state();
    return (
      state.status === 'signing-in' ||
      state.status === 'reauthenticating' ||
      ((state.status === 'active' || state.status === 'warning') && state.reauth !== undefined)
    );
  };
  const waitForSignIn = (): Promise<void> => until(() => !attemptOpen(), 10_000);

  if (!post && path === '/session') return snapshot(ctx);
  if (!post && path === '/audit') {
    const event = url.searchParams.get('event');
    return { lines: ctx.audit.filter((line) => event === null || line['event'] === event) };
  }
  if (!post && path === '/clinicians') {
    return {
      clinicians: sandbox.clinicians.map((c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        roles: c.roles.map((r) => r.role_name),
        roleIds: c.roles.map((r) => r.person_roleid),
      })),
    };
  }
  if (post && path === '/clock/advance') {
    const ms = nonNegative(body, 'ms');
    if (body.asleep === true) time.sleep(ms);
    else time.advance(ms);
    await shell.settled();
    return snapshot(ctx);
  }
  if (post && path === '/os/idle') {
    shell.os.idleSample(idleReading(body));
    return snapshot(ctx);
  }
  if (post && path === '/policy') {
    // What IT sets in the machine policy (core's PolicyInput, in seconds); the session reads it
    // at the next sign-in or unlock. `smartcard` is MachinePolicy's LockOnCardRemoval and RequireSmartcard.
    const { smartcard: cardPolicy, ...session } = body;
    const card = smartcardPolicy(cardPolicy, ctx.smartcard ?? null);
    try {
      ctx.machine.policy = resolvePolicy(session as PolicyInput).policy;
    } catch (error) {
      throw new ControlError(400, isShellError(error) ? error.message : 'not a session policy');
    }
    if (ctx.smartcard) Object.assign(ctx.smartcard.settings, card);
    return snapshot(ctx);
  }
  if (path === '/smartcard' || path.startsWith('/smartcard/')) {
    const smartcard = ctx.smartcard;
    if (!smartcard)
      throw new ControlError(404, 'this harness watches no smartcard reader; start it with the smartcard option');
    const action = path.slice('/smartcard/'.length);
    if (post && (smartcardActions as readonly string[]).includes(action)) {
      try {
        await actOnSmartcard(smartcard, action as SmartcardAction);
      } catch (error) {
        throw new ControlError(504, error instanceof Error ? error.message : 'the smartcard source did not follow');
      }
      await shell.settled();
      return { ...snapshot(ctx), smartcard: smartcard.state() };
    }
    if (!post && path === '/smartcard') return { ...snapshot(ctx), smartcard: smartcard.state() };
  }
  // Every OS signal the session knows (core/os-signals.ts), by the same name, and shutdown.
  const signal = path.startsWith('/os/') ? path.slice(4) : '';
  if (post && (isOsSignal(signal) || signal === 'shutdown')) {
    await (signal === 'shutdown' ? shell.os.shutdown() : shell.os.signal(signal));
    await shell.settled();
    return snapshot(ctx);
  }
  if (post && path === '/sign-in/complete') {
    const clinician = body.clinician;
    const found = sandbox.clinicians.find((c) => c.id === clinician);
    if (typeof clinician !== 'string' || found === undefined) {
      throw new ControlError(400, `"clinician" must be one of: ${sandbox.clinicians.map((c) => c.id).join(', ')}`);
    }
    // The role chosen on the sandbox's page (person_roleid); absent: the clinician's usual one.
    const role = body.role;
    if (role !== undefined && (typeof role !== 'string' || !found.roles.some((r) => r.person_roleid === role))) {
      throw new ControlError(
        400,
        `"role" must be one of ${found.id}'s role ids: ${found.roles.map((r) => r.person_roleid).join(', ') || '(none)'}`,
      );
    }
    const authorizationUrl = await browser.take(10_000).catch(() => {
      throw new ControlError(409, 'no sign-in is waiting in the browser; press "Sign in" or "Unlock" first');
    });
    await sandbox.loginAs(authorizationUrl, clinician, role === undefined ? {} : { role });
    await waitForSignIn();
    await shell.settled();
    return snapshot(ctx);
  }
  if (post && path === '/backchannel-logout') {
    // CIS2 signs the clinician out elsewhere: the sandbox signs a real logout token, and the
    // shell checks it as it would one relayed from CIS2.
    const clinician = sandbox.clinicians.find((c) => c.id === body.clinician);
    if (!clinician)
      throw new ControlError(400, `"clinician" must be one of: ${sandbox.clinicians.map((c) => c.id).join(', ')}`);
    const token = await sandbox.logoutToken({ sub: clinician.sub });
    const result = await services.receiveLogoutToken(token);
    await shell.settled();
    return { ...snapshot(ctx), accepted: result.ok, ...(result.ok ? {} : { code: result.error.code }) };
  }
  if (post && path === '/cis2/end-session') {
    // CIS2 ends the clinician's session (their smartcard pulled, with Identity Agent set to end
    // it): the sandbox posts its logout token to the relay, which passes it to the shell. Answers
    // once the shell's session ended, or after 5 s with the session as it is.
    const clinician = sandbox.clinicians.find((c) => c.id === body.clinician);
    if (!clinician)
      throw new ControlError(400, `"clinician" must be one of: ${sandbox.clinicians.map((c) => c.id).join(', ')}`);
    const posted = await sandbox.endSessionOf(clinician.id);
    const ended = until(() => shell.state().status === 'ended', 5_000).then(
      () => true,
      () => false,
    );
    const reached = await ended;
    await shell.settled();
    return { ...snapshot(ctx), relayStatus: posted, ended: reached };
  }
  if (post && path === '/cis2/outage') {
    // The ward loses CIS2 (dropped connections or 503s; the token endpoint or everything), until { "mode": null }.
    const outage = outageOf(body);
    sandbox.outage(outage);
    return { ...snapshot(ctx), outage };
  }
  if (post && path === '/cis2/revoke-refresh') {
    // CIS2 ends the clinician's sessions for refresh: their next refresh is refused invalid_grant. No logout token.
    const clinician = sandbox.clinicians.find((c) => c.id === body.clinician);
    if (!clinician)
      throw new ControlError(400, `"clinician" must be one of: ${sandbox.clinicians.map((c) => c.id).join(', ')}`);
    return { ...snapshot(ctx), revoked: await sandbox.revokeRefreshTokensOf(clinician.id) };
  }
  if (post && path === '/sign-in/page') {
    // The page the shell opened in the system browser, for a test to open in a real browser tab
    // (the clinician's browser) and sign in there itself; /sign-in/complete can no longer take it.
    const authorizationUrl = await browser.take(10_000).catch(() => {
      throw new ControlError(409, 'no sign-in is waiting in the browser');
    });
    return { url: authorizationUrl.href };
  }
  if (post && path === '/sign-in/deny') {
    const authorizationUrl = await browser.take(10_000).catch(() => {
      throw new ControlError(409, 'no sign-in is waiting in the browser');
    });
    await sandbox.denyLogin(authorizationUrl);
    await waitForSignIn();
    return snapshot(ctx);
  }
  throw new ControlError(404, `no control endpoint ${req.method ?? ''} ${path}`);
}

export async function handleControl(ctx: ControlContext): Promise<void> {
  const { req, res } = ctx;
  const reply = (status: number, value: unknown): void => {
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(value));
  };
  // Browsers cannot send this header cross-origin without a preflight we never answer.
  if (!authorised(req, ctx.secret)) return reply(401, { error: 'unauthorised' });
  try {
    reply(200, await route(ctx));
  } catch (error) {
    if (error instanceof ControlError) return reply(error.status, { error: error.message });
    reply(500, { error: error instanceof Error ? error.message : 'internal error' });
  }
}
