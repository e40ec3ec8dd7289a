/**
 * The session loop's listeners keep the error behaviour they had before the loop used the shared
 * emitter (core/emitter.ts): a view or state-change listener that throws is not swallowed, its
 * error reaches whoever applied the event, and a view is still sent once per change.
 */
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../main/core/policy';
import type { SessionState } from '../../../main/core/session';
import { createLogger } from '../../../main/services/logger';
import { createSessionLoop } from '../../../main/services/session/session-loop';
import { ManualTime } from '../../../main/services/time';
import type { SessionView } from '../../../preload/contract';

function loop() {
  return createSessionLoop({
    time: new ManualTime(),
    policy: resolvePolicy({}).policy,
    logger: createLogger({ level: 'silent' }),
    carryOut: () => undefined,
    // The loop only compares and forwards views; a stand-in with the status is enough here.
    view: (state: SessionState) => ({ kind: state.status }) as unknown as SessionView,
    onBeat: () => undefined,
  });
}

describe('session loop listeners', () => {
  it('a view listener that throws reaches the caller of apply', () => {
    const l = loop();
    l.subscribe(() => {
      throw new Error('a view listener that breaks');
    });
    expect(() => l.apply({ type: 'signInStarted' })).toThrow('a view listener that breaks');
    expect(l.state().status).toBe('signing-in');
  });

  it('a state-change listener that throws reaches the caller of apply', () => {
    const l = loop();
    l.onChange(() => {
      throw new Error('a change listener that breaks');
    });
    expect(() => l.apply({ type: 'signInStarted' })).toThrow('a change listener that breaks');
  });

  it('the same function subscribed twice hears each view twice, and each unsubscribes alone', () => {
    const l = loop();
    const seen: string[] = [];
    const listener = (v: SessionView): void => {
      seen.push(v.kind);
    };
    const first = l.subscribe(listener);
    l.subscribe(listener);
    l.apply({ type: 'signInStarted' });
    expect(seen).toEqual(['signing-in', 'signing-in']);
    first();
    l.apply({ type: 'cancelRequested' });
    expect(seen).toEqual(['signing-in', 'signing-in', 'signed-out']);
  });
});
