/**
 * The screen-saver source against python-dbusmock on a private session bus: GNOME's
 * org.gnome.ScreenSaver (dbusmock's gnome_screensaver template) and org.freedesktop.ScreenSaver
 * (a bare mock emitting ActiveChanged) both lock when active; a program that does not own the
 * name cannot; no screen saver on the bus is unavailable until one appears.
 */
import dbus, { Variant } from '@particle/dbus-next';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { OsSignal } from '../../../main/core/os-signals';
import type { PresenceSource } from '../../../main/core/presence';
import { startScreenSaverSource } from '../../../main/services/presence/screensaver';
import { dbusSuite, eventually, startMock, startPrivateBus } from './dbus-fixture';
import type { DbusMock, PrivateBus } from './dbus-fixture';

dbusSuite.describe(dbusSuite.title('screen-saver presence source (python-dbusmock, private session bus)'), () => {
  let bus: PrivateBus;
  let mocks: DbusMock[];
  let source: PresenceSource | null;
  let signals: OsSignal[];

  const start = (): PresenceSource => {
    source = startScreenSaverSource(
      { env: {}, address: bus.address, backoff: { firstMs: 50, maxMs: 200 } },
      { signal: (name) => signals.push(name) },
    );
    return source;
  };
  const gnome = async (): Promise<DbusMock> => {
    const mock = await startMock(bus, 'org.gnome.ScreenSaver', ['--template', 'gnome_screensaver']);
    mocks.push(mock);
    return mock;
  };
  const freedesktop = async (): Promise<DbusMock> => {
    const mock = await startMock(bus, 'org.freedesktop.ScreenSaver', [
      'org.freedesktop.ScreenSaver',
      '/org/freedesktop/ScreenSaver',
      'org.freedesktop.ScreenSaver',
    ]);
    mocks.push(mock);
    return mock;
  };
  const emitActive = (mock: DbusMock, active: boolean) =>
    mock.call({
      path: '/org/freedesktop/ScreenSaver',
      interface: 'org.freedesktop.DBus.Mock',
      member: 'EmitSignal',
      signature: 'sssav',
      body: ['org.freedesktop.ScreenSaver', 'ActiveChanged', 'b', [new Variant('b', active)]],
    });

  beforeEach(async () => {
    signals = [];
    mocks = [];
    source = null;
    bus = await startPrivateBus();
  });
  afterEach(async () => {
    await source?.dispose();
    for (const mock of mocks) await mock.stop();
    await bus.dispose();
  });

  it('GNOME: screen saver active → lock-screen, inactive → unlock-screen', async () => {
    const mock = await gnome();
    const s = start();
    await eventually(() => s.status().state === 'live', 'live');
    await mock.call({
      path: '/org/gnome/ScreenSaver',
      interface: 'org.gnome.ScreenSaver',
      member: 'SetActive',
      signature: 'b',
      body: [true],
    });
    await eventually(() => signals.length === 1, 'lock');
    await mock.call({
      path: '/org/gnome/ScreenSaver',
      interface: 'org.gnome.ScreenSaver',
      member: 'SetActive',
      signature: 'b',
      body: [false],
    });
    await eventually(() => signals.length === 2, 'unlock');
    expect(signals).toEqual(['lock-screen', 'unlock-screen']);
  });

  it('org.freedesktop.ScreenSaver: ActiveChanged(true) → lock-screen', async () => {
    const mock = await freedesktop();
    const s = start();
    await eventually(() => s.status().state === 'live', 'live');
    await emitActive(mock, true);
    await eventually(() => signals.length === 1, 'lock');
    expect(signals).toEqual(['lock-screen']);
  });

  it('ActiveChanged from a program that does not own the screen saver name is ignored', async () => {
    const real = await freedesktop();
    const s = start();
    await eventually(() => s.status().state === 'live', 'live');
    // Another client on the bus broadcasts the same signal on the same interface and path.
    const impostor = dbus.sessionBus({ busAddress: bus.address });
    await new Promise<void>((resolve) => impostor.on('connect', () => resolve()));
    try {
      impostor.send(
        dbus.Message.newSignal('/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver', 'ActiveChanged', 'b', [
          true,
        ]),
      );
      impostor.send(
        dbus.Message.newSignal('/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver', 'ActiveChanged', 'b', [
          false,
        ]),
      );
      // Then the real one, so the impostor's had their chance to arrive first.
      await emitActive(real, true);
      await eventually(() => signals.length >= 1, 'the real lock');
    } finally {
      impostor.disconnect();
    }
    expect(signals).toEqual(['lock-screen']);
  });

  it('no screen saver on the bus → unavailable; one appearing → live, and already active → locks', async () => {
    const s = start();
    await eventually(() => s.status().reason === 'no-screensaver-service', 'no-screensaver-service');
    expect(s.status().state).toBe('unavailable');
    const mock = await startMock(bus, 'org.gnome.ScreenSaver', ['--template', 'gnome_screensaver']);
    mocks.push(mock);
    await eventually(() => s.status().state === 'live', 'live');
    await mock.call({
      path: '/org/gnome/ScreenSaver',
      interface: 'org.gnome.ScreenSaver',
      member: 'SetActive',
      signature: 'b',
      body: [true],
    });
    await eventually(() => signals.includes('lock-screen'), 'lock');
  });

  it('the session bus going away → unavailable; back → live', async () => {
    await gnome();
    const s = start();
    await eventually(() => s.status().state === 'live', 'live');
    await bus.stop();
    await eventually(() => s.status().state === 'unavailable', 'unavailable');
    expect(s.status().reason).toBe('bus-lost');
    for (const mock of mocks.splice(0)) await mock.stop();
    await bus.start();
    const mock = await gnome();
    await eventually(() => s.status().state === 'live', 'live again', 10_000);
    await mock.call({
      path: '/org/gnome/ScreenSaver',
      interface: 'org.gnome.ScreenSaver',
      member: 'SetActive',
      signature: 'b',
      body: [true],
    });
    await eventually(() => signals.includes('lock-screen'), 'lock after reconnecting');
  });

  it('no session bus address at all → unavailable (no-bus-address)', () => {
    source = startScreenSaverSource({ env: {} }, { signal: (name) => signals.push(name) });
    expect(source.status()).toMatchObject({ state: 'unavailable', reason: 'no-bus-address' });
  });
});
