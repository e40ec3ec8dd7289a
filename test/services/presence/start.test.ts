/**
 * The composition of presence sources: which start on which platform, the audit at each sign-in
 * and at each change, and the one fail-closed rule (Linux: the last live D-Bus lock watcher lost
 * → lock), against python-dbusmock on two private buses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OsSignal } from '../../../main/core/os-signals';
import { presenceSourceNames } from '../../../main/core/presence';
import type { PresenceSource, PresenceStatus } from '../../../main/core/presence';
import type { SessionState } from '../../../main/core/session';
import { presenceRegistrations, startPresence } from '../../../main/services/presence/start';
import type { Presence } from '../../../main/services/presence/start';
import { createMemoryPcsc } from '../../harness/memory-pcsc';
import { dbusSuite, eventually, startMock, startPrivateBus } from './dbus-fixture';
import type { DbusMock, PrivateBus } from './dbus-fixture';

function fixedSource(name: PresenceSource['name'], sees: OsSignal[]): PresenceSource {
  const status: PresenceStatus = { source: name, state: 'live', sees };
  return { name, status: () => status, onStatusChange: () => () => undefined, dispose: () => undefined };
}

function harness() {
  const signals: OsSignal[] = [];
  const signIns: { subject: string; statuses: readonly PresenceStatus[] }[] = [];
  const changes: PresenceStatus[] = [];
  const listeners = new Set<(now: SessionState, previous: SessionState) => void>();
  const at = { wall: 0, mono: 0 };
  const working = (subject: string): SessionState => ({
    status: 'active',
    session: { subject, sessionId: 'sid', aal: 'AAL3', authTime: 0, authAt: at, lastActivity: at },
  });
  return {
    signals,
    signIns,
    changes,
    events: { signal: (name: OsSignal) => signals.push(name) },
    audit: {
      presenceSources: (subject: string, statuses: readonly PresenceStatus[]) => signIns.push({ subject, statuses }),
      presenceSourceChanged: (status: PresenceStatus) => changes.push(status),
    },
    session: {
      onStateChange(listener: (now: SessionState, previous: SessionState) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    move(previous: SessionState, now: SessionState) {
      for (const listener of listeners) listener(now, previous);
    },
    working,
  };
}

let presence: Presence | null = null;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await presence?.dispose();
  presence = null;
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('presence sources composed for the platform', () => {
  it('Windows: the given sources, logind and the screen saver not on this platform; audited at each sign-in only', async () => {
    const h = harness();
    presence = startPresence({
      platform: 'win32',
      env: {},
      pid: 1,
      events: h.events,
      audit: h.audit,
      session: h.session,
      sources: [
        fixedSource('power-monitor', ['lock-screen']),
        fixedSource('idle-poll', []),
        fixedSource('wts', ['lock-screen']),
      ],
    });
    const signedOut: SessionState = { status: 'signed-out' };
    h.move(signedOut, { status: 'signing-in' });
    expect(h.signIns).toEqual([]);
    h.move({ status: 'signing-in' }, h.working('nurse'));
    // The same clinician carrying on (a warning, a lock, an unlock) is not a sign-in.
    h.move(h.working('nurse'), h.working('nurse'));
    expect(h.signIns).toHaveLength(1);
    const [first] = h.signIns;
    expect(first?.subject).toBe('nurse');
    expect(Object.fromEntries((first?.statuses ?? []).map((s) => [s.source, s.state]))).toEqual({
      'power-monitor': 'live',
      'idle-poll': 'live',
      wts: 'live',
      logind: 'not-on-this-platform',
      screensaver: 'not-on-this-platform',
    });
    // Someone else signing in at the lock screen is a sign-in too.
    h.move(h.working('nurse'), h.working('doctor'));
    expect(h.signIns.map((s) => s.subject)).toEqual(['nurse', 'doctor']);
  });

  it('macOS: no WTS, logind or screen saver', () => {
    const h = harness();
    presence = startPresence({
      platform: 'darwin',
      env: {},
      pid: 1,
      events: h.events,
      audit: h.audit,
      session: h.session,
      sources: [],
    });
    expect(presence.registry.summary().notLive.map((s) => s.source)).toEqual(['logind', 'screensaver', 'wts']);
  });

  it('Linux with no bus reachable: logind and the screen saver unavailable, and nothing locks (they were never live)', async () => {
    const h = harness();
    presence = startPresence({
      platform: 'linux',
      env: {},
      pid: 1,
      events: h.events,
      audit: h.audit,
      session: h.session,
      sources: [],
      dbus: {
        systemBus: 'unix:path=/nonexistent/system',
        sessionBus: 'unix:path=/nonexistent/session',
        backoff: { firstMs: 50, maxMs: 100 },
      },
    });
    const registry = presence.registry;
    await eventually(
      () => registry.statuses().filter((s) => s.reason === 'bus-unreachable').length === 2,
      'both unreachable',
    );
    expect(registry.summary().notLive).toEqual(
      expect.arrayContaining([
        { source: 'logind', state: 'unavailable', reason: 'bus-unreachable' },
        { source: 'screensaver', state: 'unavailable', reason: 'bus-unreachable' },
        { source: 'wts', state: 'not-on-this-platform' },
      ]),
    );
    expect(h.signals).toEqual([]);
  });
});

describe('the registration table', () => {
  it('registers every source the catalogue names, in its order; logind and the screen saver watch the OS lock', () => {
    expect(Object.keys(presenceRegistrations)).toEqual([...presenceSourceNames]);
    expect(presenceSourceNames.filter((name) => presenceRegistrations[name].watchesOsLock)).toEqual([
      'logind',
      'screensaver',
    ]);
    // Electron's sources are handed in; the rest are built by startPresence.
    expect(presenceSourceNames.filter((name) => presenceRegistrations[name].start === 'given')).toEqual([
      'power-monitor',
      'idle-poll',
      'wts',
    ]);
  });

  it('builds the smartcard source from its settings, hands it back for the gate, and disposes of it', async () => {
    const h = harness();
    const pcsc = createMemoryPcsc({ cardIn: true });
    presence = startPresence({
      platform: 'darwin',
      env: {},
      pid: 1,
      events: h.events,
      audit: h.audit,
      session: h.session,
      sources: [],
      smartcard: { lockOnRemoval: true, load: () => pcsc.binding, waitMs: 50 },
    });
    const card = presence.smartcard;
    expect(card).not.toBeNull();
    await card?.ready();
    expect(card?.cardPresent()).toBe(true);
    expect(presence.registry.summary().live).toEqual(['smartcard']);
    await pcsc.removeCard();
    await eventually(() => h.signals.includes('smartcard-removed'), 'card removed');
    await presence.dispose();
    presence = null;
    // Disposed with the rest: the card going back in is no longer seen.
    await pcsc.insertCard();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(card?.cardPresent()).toBe(false);
  });

  it('a source handed in takes the place of the one the table would build (here logind: no bus is opened)', async () => {
    const h = harness();
    presence = startPresence({
      platform: 'linux',
      env: {},
      pid: 1,
      events: h.events,
      audit: h.audit,
      session: h.session,
      sources: [fixedSource('logind', ['lock-screen']), fixedSource('screensaver', ['lock-screen'])],
      dbus: { open: () => Promise.reject(new Error('no bus may be opened')) },
    });
    expect(presence.registry.summary()).toEqual({
      live: ['logind', 'screensaver'],
      notLive: [{ source: 'wts', state: 'not-on-this-platform' }],
    });
  });
});

dbusSuite.describe(dbusSuite.title('Linux presence over private buses (python-dbusmock)'), () => {
  async function buses(): Promise<{ system: PrivateBus; session: PrivateBus; logind: DbusMock; saver: DbusMock }> {
    const system = await startPrivateBus();
    cleanup.push(() => system.dispose());
    const session = await startPrivateBus();
    cleanup.push(() => session.dispose());
    const logind = await startMock(system, 'org.freedesktop.login1', ['--template', 'logind']);
    cleanup.push(() => logind.stop());
    await logind.call({
      path: '/org/freedesktop/login1',
      interface: 'org.freedesktop.DBus.Mock',
      member: 'AddSession',
      signature: 'ssusb',
      body: ['c1', 'seat0', 1000, 'ward', true],
    });
    const saver = await startMock(session, 'org.gnome.ScreenSaver', ['--template', 'gnome_screensaver']);
    cleanup.push(() => saver.stop());
    return { system, session, logind, saver };
  }

  it('both live at sign-in; losing one is audited; losing the last one locks (fail closed)', async () => {
    const { system, session, logind } = await buses();
    const h = harness();
    presence = startPresence({
      platform: 'linux',
      env: { XDG_SESSION_ID: 'c1' },
      pid: process.pid,
      events: h.events,
      audit: h.audit,
      session: h.session,
      sources: [
        fixedSource('power-monitor', ['suspend', 'resume']),
        fixedSource('idle-poll', ['lock-screen', 'unlock-screen']),
      ],
      dbus: { systemBus: system.address, sessionBus: session.address, backoff: { firstMs: 50, maxMs: 200 } },
    });
    const registry = presence.registry;
    await eventually(() => registry.summary().live.length === 4, 'four live');
    h.move({ status: 'signing-in' }, h.working('nurse'));
    expect(h.signIns[0]?.statuses.filter((s) => s.state === 'live').map((s) => s.source)).toEqual([
      'power-monitor',
      'idle-poll',
      'logind',
      'screensaver',
    ]);

    // A lock through logind reaches the session's port.
    await logind.call({
      path: '/org/freedesktop/login1/session/c1',
      interface: 'org.freedesktop.login1.Session',
      member: 'Lock',
    });
    await eventually(() => h.signals.length === 1, 'lock');
    h.signals.length = 0;

    await system.stop();
    await eventually(() => h.changes.some((c) => c.source === 'logind' && c.state === 'unavailable'), 'logind lost');
    // The screen saver still sees the OS lock: nothing to fail closed about yet.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.signals).toEqual([]);

    await session.stop();
    await eventually(() => h.signals.includes('lock-watch-lost'), 'fail-closed lock');
    // Its own reason, not an OS lock: the audit and the lock screen say the shell lost sight of the screen lock.
    expect(h.signals).not.toContain('lock-screen');
    expect(h.changes.filter((c) => c.state === 'unavailable').map((c) => c.source)).toEqual(
      expect.arrayContaining(['logind', 'screensaver']),
    );
  });
});
