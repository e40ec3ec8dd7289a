/**
 * The renderer's requests (the contract's ShellBackend). Each is the core's decision for the
 * request in the current state (core/session/requests.ts) plus, when accepted, one engine
 * event; draft requests go to the vault for the owner core names, never one from the renderer.
 */
import { decideRequest, draftCustodian } from '../../core/session';
import type { ClinicianRequest } from '../../core/session';
import type { Draft, Result, ShellBackend } from '../../../preload/contract';
import type { SessionContext } from './context';
import type { EventBody } from './session-loop';
import { wipeTokens } from './context';
import { refusalFor } from './refusals';

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const notActive: Result<never> = { ok: false, code: refusalFor.SESSION_NOT_ACTIVE };

export function sessionBackend(ctx: SessionContext): ShellBackend {
  const { loop, vault } = ctx;

  /** A session request: refused as core says, or turned into its one event. */
  function request(name: ClinicianRequest): Result<null> {
    const decision = decideRequest(loop.state(), name);
    if (!decision.ok) return { ok: false, code: refusalFor[decision.code] };
    // An event with no payload is its type alone; the cast only spares the compiler from
    // checking the union of every such event member by member (it gives up past 25).
    if (decision.event !== null) loop.apply({ type: decision.event } as EventBody);
    return ok(null);
  }

  return {
    getView: () => ok(loop.view()),
    signIn: () => request('signIn'),
    cancelSignIn: () => request('cancelSignIn'),
    stillHere: () => request('stillHere'),
    reportActivity: () => void request('reportActivity'),
    unlock: () => request('unlock'),
    lock: () => request('lock'),
    changeRole: () => request('changeRole'),
    renewSession: () => request('renewSession'),
    signInAsSomeoneElse: () => request('signInAsSomeoneElse'),
    signOut() {
      // Tokens go at once, before anything that could wait on the network.
      wipeTokens(ctx);
      return request('signOut');
    },
    async loadDrafts() {
      const owner = draftCustodian(loop.state(), 'read');
      if (owner === null) return notActive;
      await ctx.restoring;
      // The session may have locked or changed hands while the restore finished.
      if (draftCustodian(loop.state(), 'read') !== owner) return notActive;
      return ok({ drafts: await vault.load(owner) });
    },
    async saveDraft(draft: Draft) {
      const state = loop.state();
      const owner = draftCustodian(state, 'write', ctx.recentEnd, ctx.time.now());
      if (owner === null) return notActive;
      const saved = await vault.save(owner, draft);
      // The last keystrokes of a session that has just ended: sealed again at once, like the rest.
      if (!('session' in state)) ctx.track(vault.seal(owner), 'seal the last keystrokes');
      return saved.ok ? ok({ savedAt: saved.savedAt }) : { ok: false, code: refusalFor[saved.code] };
    },
    subscribe: (listener) => loop.subscribe(listener),
  };
}
