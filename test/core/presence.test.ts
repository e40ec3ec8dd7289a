import { describe, expect, it } from 'vitest';
import {
  createPresenceStatus,
  fixedPresenceSource,
  presenceReasons,
  presenceStatus,
  presenceSummary,
  sameStatus,
} from '../../main/core/presence';
import type { PresenceStatus } from '../../main/core/presence';

const live = presenceStatus('logind', 'live', ['lock-screen', 'unlock-screen']);
const lost = presenceStatus('logind', 'unavailable', ['lock-screen', 'unlock-screen'], 'bus-lost');

describe("a source's status (createPresenceStatus)", () => {
  it('tells its listeners only when the status says something new', () => {
    const cell = createPresenceStatus(lost);
    const seen: PresenceStatus[] = [];
    cell.onChange((status) => seen.push(status));
    expect(cell.set({ ...lost })).toBe(false);
    expect(cell.set(live)).toBe(true);
    expect(cell.set(presenceStatus('logind', 'live', ['lock-screen', 'unlock-screen']))).toBe(false);
    expect(cell.set(presenceStatus('logind', 'unavailable', live.sees, 'bus-unreachable'))).toBe(true);
    // What it sees counts too (the idle poll's can change).
    expect(cell.set(presenceStatus('logind', 'unavailable', ['lock-screen'], 'bus-unreachable'))).toBe(true);
    expect(seen.map((s) => [s.state, s.reason, s.sees.length])).toEqual([
      ['live', undefined, 2],
      ['unavailable', 'bus-unreachable', 2],
      ['unavailable', 'bus-unreachable', 1],
    ]);
    expect(cell.get()).toBe(seen.at(-1));
  });

  it('a listener that throws does not stop the others or reach the source; its error is reported', () => {
    const errors: unknown[] = [];
    const cell = createPresenceStatus(lost, (error) => errors.push(error));
    const seen: string[] = [];
    cell.onChange(() => {
      throw new Error('a faulty subscriber');
    });
    cell.onChange((status) => seen.push(status.state));
    expect(() => cell.set(live)).not.toThrow();
    expect(seen).toEqual(['live']);
    expect(errors).toHaveLength(1);
  });

  it('unsubscribes one listener, and clears them all at dispose while keeping the status', () => {
    const cell = createPresenceStatus(lost);
    const seen: string[] = [];
    const stop = cell.onChange(() => seen.push('first'));
    cell.onChange(() => seen.push('second'));
    stop();
    cell.set(live);
    cell.clear();
    cell.set(lost);
    expect(seen).toEqual(['second']);
    expect(cell.get()).toEqual(lost);
  });

  it('compares state, reason and what is seen', () => {
    expect(sameStatus(live, { ...live })).toBe(true);
    expect(sameStatus(live, lost)).toBe(false);
    expect(sameStatus(live, presenceStatus('logind', 'live', ['unlock-screen', 'lock-screen']))).toBe(false);
    expect(presenceStatus('wts', 'live', [])).toEqual({ source: 'wts', state: 'live', sees: [] });
  });

  it('tells statuses apart by source, by state alone, and by any one signal seen', () => {
    expect(sameStatus(live, presenceStatus('screensaver', 'live', live.sees))).toBe(false);
    expect(sameStatus(lost, presenceStatus('logind', 'off-by-policy', lost.sees, 'bus-lost'))).toBe(false);
    expect(sameStatus(live, presenceStatus('logind', 'live', ['lock-screen', 'suspend']))).toBe(false);
    expect(sameStatus(live, presenceStatus('logind', 'live', ['suspend', 'unlock-screen']))).toBe(false);
  });

  it('has no reason field at all when none is given (an audit line carries no "reason": undefined)', () => {
    expect('reason' in presenceStatus('wts', 'live', [])).toBe(false);
    expect(presenceStatus('wts', 'live', [], undefined)).toStrictEqual({ source: 'wts', state: 'live', sees: [] });
  });
});

describe('presence vocabulary', () => {
  it('each reason once, in kebab case (LockOnCardRemoval is the policy setting it names)', () => {
    expect(new Set(presenceReasons).size).toBe(presenceReasons.length);
    for (const reason of presenceReasons)
      expect(reason === 'LockOnCardRemoval' || /^[a-z]+(-[a-z]+)*$/.test(reason), reason).toBe(true);
  });

  it('a fixed source never changes and never calls a listener', () => {
    const source = fixedPresenceSource({ source: 'wts', state: 'not-on-this-platform', sees: [] });
    expect(source.name).toBe('wts');
    expect(source.status()).toEqual({ source: 'wts', state: 'not-on-this-platform', sees: [] });
    source.onStatusChange(() => {
      throw new Error('never called');
    })();
  });

  it('summarises in catalogue order', () => {
    expect(presenceSummary([lost, presenceStatus('power-monitor', 'live', [])])).toEqual({
      live: ['power-monitor'],
      notLive: [{ source: 'logind', state: 'unavailable', reason: 'bus-lost' }],
    });
  });

  it('summarises every source in catalogue order whatever order they come in, leaving the list given as it was', () => {
    const given = [
      presenceStatus('wts', 'not-on-this-platform', []),
      presenceStatus('smartcard', 'live', []),
      lost,
      presenceStatus('idle-poll', 'live', []),
      presenceStatus('power-monitor', 'live', []),
    ];
    const before = given.map((s) => s.source);
    expect(presenceSummary(given)).toStrictEqual({
      live: ['power-monitor', 'idle-poll', 'smartcard'],
      notLive: [
        { source: 'logind', state: 'unavailable', reason: 'bus-lost' },
        { source: 'wts', state: 'not-on-this-platform' },
      ],
    });
    expect(given.map((s) => s.source)).toEqual(before);
  });
});
