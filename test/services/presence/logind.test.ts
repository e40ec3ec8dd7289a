/**
 * The logind source against python-dbusmock's logind template on a private bus: our session is
 * found (GetSessionByPID, or XDG_SESSION_ID → GetSession), and LockedHint, Active, the session's
 * Lock/Unlock and the Manager's PrepareForSleep become the OS signals the session engine knows.
 * The bus going away makes the source unavailable; it comes back live on its own.
 */
import { Variant } from '@particle/dbus-next';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { OsSignal } from '../../../main/core/os-signals';
import type { PresenceSource, PresenceStatus } from '../../../main/core/presence';
import { startLogindSource } from '../../../main/services/presence/logind';
import { dbusSuite, eventually, startMock, startPrivateBus } from './dbus-fixture';
import type { DbusMock, PrivateBus } from './dbus-fixture';

const sessionPath = '/org/freedesktop/login1/session/c7';
const sessionIface = 'org.freedesktop.login1.Session';
const mockIface = 'org.freedesktop.DBus.Mock';

dbusSuite.describe(dbusSuite.title('logind presence source (python-dbusmock, private bus)'), () => {
  let bus: PrivateBus;
  let logind: DbusMock;
  let source: PresenceSource | null = null;
  let signals: OsSignal[];
  let statuses: PresenceStatus[];

  async function startLogind(): Promise<DbusMock> {
    const mock = await startMock(bus, 'org.freedesktop.login1', ['--template', 'logind']);
    await mock.call({
      path: '/org/freedesktop/login1',
      interface: mockIface,
      member: 'AddSession',
      signature: 'ssusb',
      body: ['c7', 'seat0', 1000, 'ward', true],
    });
    return mock;
  }

  function start(env: Record<string, string> = { XDG_SESSION_ID: 'c7' }, ownerUid?: number): PresenceSource {
    source = startLogindSource(
      {
        env,
        pid: process.pid,
        address: bus.address,
        backoff: { firstMs: 50, maxMs: 200 },
        ...(ownerUid === undefined ? {} : { ownerUid }),
      },
      { signal: (name) => signals.push(name) },
    );
    source.onStatusChange((status) => statuses.push(status));
    return source;
  }

  const live = (s: PresenceSource): boolean => s.status().state === 'live';
  const setSession = (props: Record<string, boolean>) =>
    logind.call({
      path: sessionPath,
      interface: mockIface,
      member: 'UpdateProperties',
      signature: 'sa{sv}',
      body: [sessionIface, Object.fromEntries(Object.entries(props).map(([k, v]) => [k, new Variant('b', v)]))],
    });

  beforeEach(async () => {
    signals = [];
    statuses = [];
    bus = await startPrivateBus();
    logind = await startLogind();
  });

  afterEach(async () => {
    await source?.dispose();
    source = null;
    await logind.stop();
    await bus.dispose();
  });

  it('finds the session from XDG_SESSION_ID when GetSessionByPID is not answered, and reports live', async () => {
    const s = start();
    await eventually(() => live(s), 'live');
    expect(s.status()).toMatchObject({ source: 'logind', state: 'live' });
    expect(s.status().sees).toEqual(
      expect.arrayContaining([
        'lock-screen',
        'unlock-screen',
        'user-switch-away',
        'user-switch-back',
        'suspend',
        'resume',
      ]),
    );
    expect(signals).toEqual([]);
  });

  it('finds the session by our process id (GetSessionByPID) when logind answers it', async () => {
    await logind.call({
      path: '/org/freedesktop/login1',
      interface: mockIface,
      member: 'AddMethod',
      signature: 'sssss',
      body: [
        'org.freedesktop.login1.Manager',
        'GetSessionByPID',
        'u',
        'o',
        `ret = "${sessionPath}" if args[0] == ${process.pid} else "/nope"`,
      ],
    });
    const s = start({});
    await eventually(() => live(s), 'live');
    await setSession({ LockedHint: true });
    await eventually(() => signals.includes('lock-screen'), 'lock-screen');
  });

  // Issue 24, item 11: a production build believes org.freedesktop.login1 only from uid 0
  // (trusted-env.ts). The mock here runs as this test's own uid: required, it is believed;
  // any other uid required, it is not (GetConnectionUnixUser on the real dbus-daemon).
  const myUid = process.getuid?.() ?? 0;
  it("believes logind's name only when its owner's uid is the one required (GetConnectionUnixUser)", async () => {
    const believed = start(undefined, myUid);
    await eventually(() => live(believed), 'live');
    await source?.dispose();
    const refused = start(undefined, myUid + 1);
    await eventually(() => refused.status().reason === 'logind-not-system', 'logind-not-system');
    expect(refused.status().state).toBe('unavailable');
    await logind.call({ path: sessionPath, interface: sessionIface, member: 'Lock' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(signals).toEqual([]);
  });

  it('is unavailable (no-logind-session) when our session cannot be found', async () => {
    const s = start({});
    await eventually(() => s.status().reason === 'no-logind-session', 'no-logind-session');
    expect(s.status().state).toBe('unavailable');
  });

  it('LockedHint true → lock-screen, false → unlock-screen (SetLockedHint, as a screen locker does)', async () => {
    const s = start();
    await eventually(() => live(s), 'live');
    await logind.call({
      path: sessionPath,
      interface: sessionIface,
      member: 'SetLockedHint',
      signature: 'b',
      body: [true],
    });
    await eventually(() => signals.length === 1, 'lock');
    await logind.call({
      path: sessionPath,
      interface: sessionIface,
      member: 'SetLockedHint',
      signature: 'b',
      body: [false],
    });
    await eventually(() => signals.length === 2, 'unlock');
    expect(signals).toEqual(['lock-screen', 'unlock-screen']);
  });

  it("the session's own Lock and Unlock signals (loginctl lock-session)", async () => {
    const s = start();
    await eventually(() => live(s), 'live');
    await logind.call({ path: sessionPath, interface: sessionIface, member: 'Lock' });
    await eventually(() => signals.length === 1, 'lock');
    await logind.call({ path: sessionPath, interface: sessionIface, member: 'Unlock' });
    await eventually(() => signals.length === 2, 'unlock');
    expect(signals).toEqual(['lock-screen', 'unlock-screen']);
  });

  it('Active false → user-switch-away, true → user-switch-back', async () => {
    const s = start();
    await eventually(() => live(s), 'live');
    await setSession({ Active: false });
    await eventually(() => signals.length === 1, 'away');
    await setSession({ Active: true });
    await eventually(() => signals.length === 2, 'back');
    expect(signals).toEqual(['user-switch-away', 'user-switch-back']);
  });

  it('PrepareForSleep(true) → suspend, PrepareForSleep(false) → resume (a signal the template does not introspect)', async () => {
    const s = start();
    await eventually(() => live(s), 'live');
    for (const going of [true, false]) {
      await logind.call({
        path: '/org/freedesktop/login1',
        interface: mockIface,
        member: 'EmitSignal',
        signature: 'sssav',
        body: ['org.freedesktop.login1.Manager', 'PrepareForSleep', 'b', [new Variant('b', going)]],
      });
    }
    await eventually(() => signals.length === 2, 'suspend and resume');
    expect(signals).toEqual(['suspend', 'resume']);
  });

  it("ignores another session's signals and properties", async () => {
    await logind.call({
      path: '/org/freedesktop/login1',
      interface: mockIface,
      member: 'AddSession',
      signature: 'ssusb',
      body: ['c8', 'seat0', 1001, 'other', false],
    });
    const s = start();
    await eventually(() => live(s), 'live');
    await logind.call({ path: '/org/freedesktop/login1/session/c8', interface: sessionIface, member: 'Lock' });
    await logind.call({
      path: '/org/freedesktop/login1/session/c8',
      interface: sessionIface,
      member: 'SetLockedHint',
      signature: 'b',
      body: [true],
    });
    // Then one of ours, to know the others had their chance to arrive first.
    await logind.call({ path: sessionPath, interface: sessionIface, member: 'Unlock' });
    await eventually(() => signals.length === 1, 'our unlock');
    expect(signals).toEqual(['unlock-screen']);
  });

  it('a session already locked when the source connects locks at once (fail closed)', async () => {
    await setSession({ LockedHint: true, Active: false });
    const s = start();
    await eventually(() => signals.length === 2, 'lock and away');
    expect(signals).toEqual(['lock-screen', 'user-switch-away']);
    expect(live(s)).toBe(true);
  });

  it('the bus going away → unavailable (bus-lost); back → live, and a lock during the gap is raised', async () => {
    const s = start();
    await eventually(() => live(s), 'live');
    await bus.stop();
    await eventually(() => s.status().state === 'unavailable', 'unavailable');
    expect(s.status().reason).toBe('bus-lost');
    await logind.stop();
    await bus.start();
    logind = await startLogind();
    await setSession({ LockedHint: true });
    await eventually(() => live(s), 'live again', 10_000);
    await eventually(() => signals.includes('lock-screen'), 'the missed lock');
    // Consecutive reasons while unavailable (bus-lost, then bus-unreachable while it is down) collapse here.
    expect(statuses.map((st) => st.state).filter((state, i, all) => state !== all[i - 1])).toEqual([
      'live',
      'unavailable',
      'live',
    ]);
  });

  it('logind restarting on a live bus: the source follows the new owner', async () => {
    const s = start();
    await eventually(() => live(s), 'live');
    await logind.stop();
    await eventually(() => s.status().state === 'unavailable', 'unavailable');
    expect(s.status().reason).toBe('logind-restarted');
    logind = await startLogind();
    await eventually(() => live(s), 'live again', 10_000);
    await logind.call({ path: sessionPath, interface: sessionIface, member: 'Lock' });
    await eventually(() => signals.includes('lock-screen'), 'lock from the new logind');
  });

  it('no bus at the address → unavailable (bus-unreachable), never throws', async () => {
    source = startLogindSource(
      { env: {}, pid: process.pid, address: 'unix:path=/nonexistent/cws-bus', backoff: { firstMs: 50, maxMs: 100 } },
      { signal: (name) => signals.push(name) },
    );
    const s = source;
    await eventually(() => s.status().reason === 'bus-unreachable', 'bus-unreachable');
    expect(s.status().state).toBe('unavailable');
  });
});
