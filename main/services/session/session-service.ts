/**
 * The session service: one clinician's session on this workstation, run against real time.
 * It composes the parts and adds no rules of its own:
 *   session-loop.ts      the engine's state, the deadline timer, the heartbeat, the view;
 *   effects.ts           one handler per effect the engine asks for;
 *   sign-in-attempts.ts  the browser sign-ins and unlocks, fed back as events;
 *   backend.ts           the renderer's requests, each core's decision plus one event.
 * Everything the outside world says (OS signals, sign-in outcomes, renderer requests,
 * logout tokens) becomes an engine event, so the engine alone decides what is shown.
 */
import { osSignalEvent } from '../../core/os-signals';
import type { OsCapabilities, OsEvents } from '../../core/os-signals';
import type { SessionEventType } from '../../core/session';
import type { RefreshOutcome } from '../tokens/token-holder';
import { createAudit } from '../audit';
import type { Audit } from '../audit';
import type { SessionContext } from './context';
import { effectHandlers } from './effects';
import { sessionBackend } from './backend';
import { createSessionLoop } from './session-loop';
import type { SessionLoop } from './session-loop';
import { signInAttempts } from './sign-in-attempts';
import type { SignInAttempts } from './sign-in-attempts';
import type { SessionService, SessionServiceDeps } from './types';
import { sessionView } from './view';

export type { SessionService, SessionServiceDeps } from './types';
export { noticeFor } from './sign-in-attempts';

/** The engine event each refresh outcome becomes. */
const refreshEvents = {
  refused: 'refreshRefused',
  unanswered: 'refreshUnanswered',
  recovered: 'refreshAnswered',
} as const satisfies Record<RefreshOutcome['kind'], SessionEventType>;

export function createSessionService(deps: SessionServiceDeps): SessionService {
  const { time, signIn, vault, logger } = deps;
  const audit = createAudit(logger);
  const keepAliveTicks = Math.max(1, Math.round((deps.keepAliveMs ?? 60_000) / 1000));
  const inflight = new Set<Promise<unknown>>();

  const loop = createSessionLoop({
    time,
    policy: deps.policy,
    logger,
    carryOut: (effect, owner) => carryOut(effect, owner),
    view: (state, policy, now) =>
      sessionView({
        state,
        policy,
        now,
        identity: ctx.identity?.identity ?? null,
        notice: ctx.notice,
        draftStorage: vault.storage,
        organisation: deps.organisation ?? null,
        ...(deps.environment === undefined ? {} : { environment: deps.environment }),
        relayRefused: deps.relayRefused?.now() ?? false,
      }),
    onBeat(beat) {
      // The keep-alive refresh, and while CIS2 does not answer, each retry as its wait ends.
      if (loop.working() && (beat % keepAliveTicks === 0 || signIn.tokens.retryDue()))
        void signIn.tokens.getAccessToken();
    },
  });

  const ctx = sessionContext(loop, deps, audit, inflight);
  const attempts: SignInAttempts = signInAttempts(ctx, {
    time,
    signInClock: deps.signInClock ?? (() => time.now().wall),
    ...(deps.rereadPolicy ? { rereadPolicy: deps.rereadPolicy } : {}),
  });
  const carryOut = effectHandlers(ctx, attempts);

  // Only CIS2 saying no locks; an unanswered refresh is recorded and the session goes on.
  const stopRefreshWatch = signIn.tokens.onRefreshOutcome((outcome) => {
    audit.refreshOutcome(outcome, ctx.tokenOwner);
    if (loop.working()) loop.apply({ type: refreshEvents[outcome.kind] });
  });
  const stopProblemWatch = vault.onProblem(() => loop.publish());
  const stopRelayWatch = deps.relayRefused?.onChange(() => loop.publish()) ?? (() => undefined);

  async function settled(): Promise<void> {
    while (inflight.size > 0) await Promise.all([...inflight]);
  }

  return {
    backend: sessionBackend(ctx),
    os: osPort(deps, loop, settled),
    state: () => loop.state(),
    onStateChange: (listener) => loop.onChange(listener),
    view: () => loop.view(),
    lockBeforeReload: () => {
      if (loop.working()) loop.apply({ type: 'lockRequested' });
    },
    backchannelLogout: (claims) => loop.apply({ type: 'backchannelLogout', ...claims }),
    settled,
    dispose() {
      loop.dispose();
      stopRefreshWatch();
      stopProblemWatch();
      stopRelayWatch();
    },
  };
}

/** What the parts share (context.ts): the loop, the ports, and the facts about people the engine does not hold. */
function sessionContext(
  loop: SessionLoop,
  deps: SessionServiceDeps,
  audit: Audit,
  inflight: Set<Promise<unknown>>,
): SessionContext {
  return {
    loop,
    signIn: deps.signIn,
    vault: deps.vault,
    audit,
    time: deps.time,
    identity: null,
    recentEnd: null,
    arriving: null,
    tokenOwner: null,
    notice: null,
    restoring: Promise.resolve(),
    track(task, what) {
      const guarded = task.catch((error: unknown) => audit.stepFailed(what, error));
      inflight.add(guarded);
      void guarded.finally(() => inflight.delete(guarded));
    },
  };
}

/** The OsEvents port: each OS signal becomes its engine event (vocabulary.ts, osSignalEvent). */
function osPort(deps: SessionServiceDeps, loop: SessionLoop, settled: () => Promise<void>): OsEvents {
  let capabilities: OsCapabilities = deps.capabilities ?? { osIdle: 'reliable', lockSignal: true };
  return {
    // Resume settles what fell due while asleep inside the transition, before the view is
    // re-sent, so the workspace is never shown after a long sleep.
    signal: (name) => loop.apply(osSignalEvent(name)),
    async shutdown() {
      loop.apply({ type: 'shutdown' });
      await settled();
      await deps.vault.flush();
    },
    idleSample(seconds) {
      // Where the OS idle clock cannot be trusted, in-app activity alone counts (fails closed).
      if (capabilities.osIdle === 'reliable' && loop.working()) loop.apply({ type: 'osIdleSample', seconds });
    },
    capabilitiesChanged(next) {
      capabilities = next;
      deps.logger.info(
        { event: 'os.capabilities', osIdle: next.osIdle, lockSignal: next.lockSignal },
        'OS signal capabilities changed.',
      );
    },
  };
}
