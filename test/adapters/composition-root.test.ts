// The composition root (main/index.ts) itself, on the fake Electron: the real adapters wired as
// a ward PC wires them, with the services replaced by a fake session whose shutdown keeps the
// real one's shape (main/services/session/session-service.ts `os.shutdown`: the engine's
// shutdown event synchronously, then settle and flush) and whose disk writes count only while
// the fake process is alive (FakeApp.whileRunning). Issue 15: how the shell ends, the kiosk
// sign-in, second launches, crash relaunches.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppServices, AppServicesOptions } from '../../main/services/compose';
import type { SessionState } from '../../main/core/session';
import type { MachinePolicy } from '../../main/services/policy/machine-policy';
import type * as LogFolderModule from '../../main/services/log-folder';
import type * as DataFolderModule from '../../main/adapters/data-folder';
import { crashRelaunchArg, nativeSettleMs } from '../../main/adapters/app-lifecycle';
import {
  FakeApp,
  FakeBrowserWindow,
  FakeClipboard,
  FakeDesktop,
  FakeIpcMain,
  FakeMenu,
  FakePowerMonitor,
  FakeProtocol,
  FakeSession,
  FakeShell,
  FakeWebContentsView,
  resetFakeElectron,
} from './fake-electron';
import { endpoint, signInPage } from './open-external-cases';
import { fakeSessionService, states } from './session-fixtures';

/** The fake 'electron' module main/index.ts imports, swapped for each boot. */
const electron = vi.hoisted(() => ({ current: {} as Record<string, unknown> }));
vi.mock('electron', () => {
  const names = [
    'app',
    'BrowserWindow',
    'clipboard',
    'dialog',
    'ipcMain',
    'Menu',
    'net',
    'powerMonitor',
    'protocol',
    'session',
    'shell',
    'WebContentsView',
  ];
  const module: Record<string, unknown> = {};
  // Getters, never copies: the module object outlives a boot, the fakes are new at each.
  for (const name of names)
    Object.defineProperty(module, name, { enumerable: true, get: () => electron.current[name] });
  Object.defineProperty(module, 'default', { enumerable: true, value: module });
  return module;
});

/** What the mocked services hand back, per boot. */
const hooks = vi.hoisted(() => ({
  createAppServices: null as null | ((options: unknown) => Promise<unknown>),
  policy: null as unknown,
  dataFolderPlatform: null as NodeJS.Platform | null,
  machinePlatform: process.platform,
  madeFolders: [] as string[],
}));
vi.mock('../../main/services/compose', () => ({
  createAppServices: (options: unknown) => hooks.createAppServices!(options),
}));
vi.mock('../../main/services/policy/machine-policy', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  readMachinePolicy: () => Promise.resolve(hooks.policy),
  rereadMachinePolicy: () => Promise.resolve({ policy: hooks.policy, session: null }),
}));
vi.mock('../../main/services/log-folder', async (importOriginal) => {
  const original = await importOriginal<typeof LogFolderModule>();
  const { createLogger } = await import('../../main/services/logger');
  const { Writable } = await import('node:stream');
  const sink = new Writable({ write: (_c, _e, done) => done() });
  return {
    ...original,
    createFolderLogger: () =>
      Promise.resolve({ logger: createLogger({ destination: sink }), folder: null, close: () => Promise.resolve() }),
  };
});
// The data folder is chosen at import, before boot() can set process.platform (a second boot in
// one test imports with the first one's): run the real choice for the platform a test names, the
// machine's own otherwise, and record the folder instead of making it.
vi.mock('../../main/adapters/data-folder', async (importOriginal) => {
  const real = await importOriginal<typeof DataFolderModule>();
  return {
    ...real,
    useLocalDataFolder: (app: DataFolderModule.DataFolderApp, _platform: NodeJS.Platform, env: NodeJS.ProcessEnv) =>
      real.useLocalDataFolder(app, hooks.dataFolderPlatform ?? hooks.machinePlatform, env, (folder) =>
        hooks.madeFolders.push(folder),
      ),
  };
});
vi.mock('../../main/services/runtime/memory', () => ({
  keepYoungGenerationSmall: () => undefined,
  YOUNG_GENERATION_FLAG: '',
}));

/** Lets start-up's chain of awaits run (each step is a few promise ticks; no timer is involved). */
async function settle(until: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !until(); i += 1) await vi.advanceTimersByTimeAsync(0);
}

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The services as the composition root sees them. The session's shutdown keeps the real order:
 * synchronously the engine ends the session (tokens wiped, the seal started), then the seal is
 * written and the vault flushed, each a few milliseconds of disk I/O later.
 */
function fakeServices(app: FakeApp, initial: SessionState) {
  const session = fakeSessionService(initial);
  const disk = { seals: 0, flushes: 0, closes: 0 };
  const order: string[] = [];
  let tokensWiped = false;
  const io = (ms: number, effect: () => void): Promise<void> =>
    new Promise((resolve) => setTimeout(() => (app.whileRunning(effect), resolve()), ms));
  const os = {
    signal: vi.fn(),
    idleSample: vi.fn(),
    capabilitiesChanged: vi.fn(),
    shutdown: vi.fn(async () => {
      const state = session.state();
      if (state.status !== 'ended') {
        session.go({ status: 'ended', reason: 'shutdown' });
        tokensWiped = true;
        order.push('engine shutdown');
      }
      await io(5, () => void ((disk.seals += 1), order.push('sealed')));
      await io(2, () => void ((disk.flushes += 1), order.push('flushed')));
    }),
  };
  const services = {
    session: {
      ...session,
      os,
      settled: () => Promise.resolve(),
      view: vi.fn(),
      backchannelLogout: vi.fn(),
      dispose: vi.fn(),
    },
    signIn: {},
    vault: {},
    receiveLogoutToken: vi.fn(),
    close: vi.fn(async () => {
      await io(2, () => void ((disk.closes += 1), order.push('services closed')));
    }),
  };
  return { services: services as unknown as AppServices, session, disk, order, tokensWiped: () => tokensWiped };
}

function policy(kiosk: boolean): MachinePolicy {
  return {
    sources: [],
    applied: {},
    session: {} as MachinePolicy['session'],
    clamps: [],
    problems: [],
    draftRetentionMs: 12 * 3600_000,
    kiosk,
    oidc: {} as NonNullable<MachinePolicy['oidc']>,
    logLevel: 'info',
    logFolder: undefined,
    auditSinks: { eventLog: false, journald: false, syslog: null },
    relayUrl: undefined,
    smartcard: { lockOnCardRemoval: true, requireSmartcard: false },
    organisationName: null,
    signInBrowser: 'default',
  } as MachinePolicy;
}

const realPlatform = process.platform;
const realArgv = process.argv;
let fatal: ((error: Error) => void) | null = null;

beforeEach(() => {
  vi.useFakeTimers();
  resetFakeElectron();
  fatal = null;
  const realOn = process.on.bind(process);
  // main/index.ts installs its crash handler on the process: keep it for the test instead.
  vi.spyOn(process, 'on').mockImplementation(((event: string, listener: (...args: unknown[]) => void) => {
    if (event === 'uncaughtException') {
      fatal = listener as (error: Error) => void;
      return process;
    }
    return realOn(event, listener);
  }) as typeof process.on);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  Object.defineProperty(process, 'platform', { value: realPlatform });
  process.argv = realArgv;
  resetFakeElectron();
});

/**
 * Starts main/index.ts afresh on a fake Electron for `platform`. Nothing is ready yet: the test
 * says when 'ready' comes and when the slow start-up (the services) is done.
 */
async function boot(options: {
  platform: NodeJS.Platform;
  kiosk?: boolean;
  initial?: SessionState;
  argv?: string[];
  relayUrl?: string;
}) {
  process.argv = options.argv ?? ['C:\\Program Files\\Clinical Workstation Shell\\Clinical Workstation Shell.exe'];
  const app = new FakeApp(options.platform);
  const powerMonitor = new FakePowerMonitor(options.platform);
  const shell = new FakeShell();
  const dialog = { showErrorBox: vi.fn() };
  electron.current = {
    app,
    BrowserWindow: FakeBrowserWindow,
    WebContentsView: FakeWebContentsView,
    Menu: new FakeMenu(),
    clipboard: new FakeClipboard(),
    dialog,
    ipcMain: new FakeIpcMain(),
    powerMonitor,
    protocol: new FakeProtocol({ global: true }),
    shell,
    net: { fetch: vi.fn() },
    session: {
      get defaultSession() {
        return FakeSession.fromPartition('');
      },
      fromPartition: (partition: string) => FakeSession.fromPartition(partition),
    },
  };
  hooks.policy = { ...policy(options.kiosk ?? false), relayUrl: options.relayUrl };
  const made = fakeServices(app, options.initial ?? states.signedOut());
  const servicesReady = deferred<void>();
  const servicesOptions = deferred<AppServicesOptions>();
  hooks.createAppServices = async (given) => {
    servicesOptions.resolve(given as AppServicesOptions);
    await servicesReady.promise;
    return made.services;
  };
  // A fresh instance of the composition root each time: its top level runs again.
  vi.resetModules();
  await import('../../main/index');
  // The platform the composition root reads once started (after 'ready'); set after the import,
  // so that native modules load for the machine the tests run on.
  Object.defineProperty(process, 'platform', { value: options.platform });

  const win = (): FakeBrowserWindow => {
    const live = app.windows();
    const last = live.at(-1);
    if (last === undefined)
      throw new Error(`no shell window (error box: ${JSON.stringify(dialog.showErrorBox.mock.calls)})`);
    return last;
  };
  /** 'ready', the services, the first window painted and its page loaded. */
  const start = async (): Promise<FakeBrowserWindow> => {
    app.becomeReady();
    servicesReady.resolve();
    await settle(() => app.windows().length > 0);
    const w = win();
    w.emit('ready-to-show');
    w.webContents.finishLoad();
    await vi.advanceTimersByTimeAsync(0);
    return w;
  };
  return {
    app,
    powerMonitor,
    shell,
    dialog,
    servicesReady,
    servicesOptions: servicesOptions.promise,
    start,
    win,
    ...made,
  };
}

describe('issue 13: the data folder does not roam', () => {
  const realLocal = process.env['LOCALAPPDATA'];
  afterEach(() => {
    hooks.dataFolderPlatform = null;
    hooks.madeFolders.length = 0;
    if (realLocal === undefined) delete process.env['LOCALAPPDATA'];
    else process.env['LOCALAPPDATA'] = realLocal;
  });

  it('on Windows, userData moves to %LOCALAPPDATA% before the single-instance lock and ready; drafts and logs go there', async () => {
    hooks.dataFolderPlatform = 'win32';
    process.env['LOCALAPPDATA'] = 'C:\\Users\\nurse\\AppData\\Local';
    const shell = await boot({ platform: 'win32' });
    expect(shell.app.setPathCalls).toEqual([
      { name: 'userData', path: 'C:\\Users\\nurse\\AppData\\Local\\userData', beforeReady: true },
    ]);
    expect(hooks.madeFolders).toEqual(['C:\\Users\\nurse\\AppData\\Local\\userData']);
    expect(shell.app.singleInstanceFolder).toBe('C:\\Users\\nurse\\AppData\\Local\\userData');
    shell.app.becomeReady();
    const given = await shell.servicesOptions;
    expect(given.draftsDir.startsWith('C:\\Users\\nurse\\AppData\\Local\\userData')).toBe(true);
  });

  it("on Linux and macOS, Electron's default folder is kept", async () => {
    hooks.dataFolderPlatform = 'linux';
    const shell = await boot({ platform: 'linux' });
    expect(shell.app.setPathCalls).toEqual([]);
    shell.app.becomeReady();
    expect((await shell.servicesOptions).draftsDir).toBe(join('/fake/userData', 'drafts'));
  });
});

describe('issue 11: the logout relay', () => {
  it("gives the services IT's relay address, and none when IT set none", async () => {
    const withRelay = await boot({ platform: 'win32', relayUrl: 'https://cis2-logout-relay.trust.nhs.uk' });
    withRelay.app.becomeReady();
    // With the socket opener that takes Chromium's proxy route and the OS certificate store
    // (main/adapters/relay-socket.ts; tested through a proxy in relay-socket.integration.test.ts).
    expect((await withRelay.servicesOptions).relay).toEqual({
      url: 'https://cis2-logout-relay.trust.nhs.uk',
      openSocket: expect.any(Function),
    });
    resetFakeElectron();
    const without = await boot({ platform: 'win32' });
    without.app.becomeReady();
    expect((await without.servicesOptions).relay).toBeUndefined();
  });
});

describe('issue 15: Windows ending the session', () => {
  it.each([['shutdown'], ['logoff']])(
    'asks Windows to wait (%s), seals and flushes, closes the services, and only then leaves',
    async (reason) => {
      const shell = await boot({ platform: 'win32', initial: states.active('A') });
      await shell.start();

      const ending = shell.app.windowsEndsSession([reason]);
      // Windows waits for the shell (WM_QUERYENDSESSION answered FALSE) ...
      expect(ending.waiting).toBe(true);
      // ... and the synchronous part has already happened.
      expect(shell.session.state().status).toBe('ended');
      await vi.advanceTimersByTimeAsync(5_000);

      expect(shell.app.terminated).toBe(false);
      expect(shell.app.exitCode).toBe(0);
      expect(shell.order).toEqual(['engine shutdown', 'sealed', 'flushed', 'services closed']);
      expect(shell.app.lostAfterEnd).toBe(0);
      expect(shell.dialog.showErrorBox).not.toHaveBeenCalled();
    },
  );

  it("Restart Manager closing the shell for an upgrade ('close-app'): no veto, the synchronous part in the query, and the session-end ends it", async () => {
    const shell = await boot({ platform: 'win32', initial: states.active('A') });
    const page = await shell.start();
    const surface = page.contentView.children[0];

    const ending = shell.app.windowsEndsSession(['close-app']);
    // Not vetoed, so Restart Manager did not cancel (the MSI upgrade goes on without a reboot) ...
    expect(ending).toMatchObject({ waiting: false, cancelled: false });
    expect(shell.app.restartManagerCancelled).toBe(0);
    // ... and the query's handler already ended the session, wiped the tokens and covered the page.
    expect(shell.app.terminated).toBe(true);
    expect(shell.session.state().status).toBe('ended');
    expect(shell.tokensWiped()).toBe(true);
    expect(page.onScreen()).toBe(surface);
  });

  it('when Windows ends the session without waiting, does the synchronous part inside the handler and counts on nothing after it', async () => {
    const shell = await boot({ platform: 'win32', initial: states.active('A') });
    const page = await shell.start();
    const surface = page.contentView.children[0];

    shell.app.endSession(['shutdown', 'critical']);
    // Electron ended the process as the handlers returned (native_window_views_win.cc).
    expect(shell.app.terminated).toBe(true);
    // Inside the handler: the session ended (tokens wiped, the seal started) and the page is covered.
    expect(shell.session.state().status).toBe('ended');
    expect(shell.tokensWiped()).toBe(true);
    expect(page.onScreen()).toBe(surface);
    await vi.advanceTimersByTimeAsync(20_000);
    // The shutdown seal was lost (what was saved before is on disk, sealed when it was saved);
    // nothing later pretended to run.
    expect(shell.disk).toEqual({ seals: 0, flushes: 0, closes: 0 });
    expect(shell.app.lostAfterEnd).toBeGreaterThan(0);
    expect(shell.app.exitCode).toBeNull();
  });

  it('a forced end while sealing keeps what was already done', async () => {
    const shell = await boot({ platform: 'win32', initial: states.active('A') });
    await shell.start();
    const ending = shell.app.windowsEndsSession(['shutdown']);
    expect(ending.waiting).toBe(true);
    await vi.advanceTimersByTimeAsync(6);
    ending.force();
    expect(shell.app.terminated).toBe(true);
    expect(shell.disk.seals).toBe(1);
  });
});

describe('issue 15: Linux and macOS shutdown', () => {
  it('Linux: keeps logind waiting until the services have closed, then lets the shutdown go on', async () => {
    const shell = await boot({ platform: 'linux', initial: states.active('A') });
    await shell.start();
    expect(shell.powerMonitor.shutdownLockHeld).toBe(true);

    expect(shell.powerMonitor.systemShutdown()).toEqual({ emitted: true, prevented: true });
    await vi.advanceTimersByTimeAsync(4_000);

    // The lock went last: the seal, the flush and the services' close all happened first.
    expect(shell.order).toEqual(['engine shutdown', 'sealed', 'flushed', 'services closed']);
    expect(shell.powerMonitor.shutdownLockHeld).toBe(false);
    expect(shell.app.lostAfterEnd).toBe(0);
  });

  it('Windows has no powerMonitor shutdown: nothing is emitted there, and nothing waits for it', async () => {
    const shell = await boot({ platform: 'win32', initial: states.active('A') });
    await shell.start();
    expect(shell.powerMonitor.systemShutdown()).toEqual({ emitted: false, prevented: false });
    expect(shell.session.state().status).toBe('active');
  });
});

describe('issue 15: a quit', () => {
  it('closing the (non-kiosk) window seals, closes and exits; the page is covered at once', async () => {
    const shell = await boot({ platform: 'win32', initial: states.active('A') });
    const page = await shell.start();
    page.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(shell.app.exitCode).toBe(0);
    expect(shell.order).toEqual(['engine shutdown', 'sealed', 'flushed', 'services closed']);
  });
});

describe('issue 15: kiosk', () => {
  it('refuses Alt+F4 and locks the session; a real quit still seals and exits', async () => {
    const shell = await boot({ platform: 'win32', kiosk: true, initial: states.active('A') });
    const page = await shell.start();

    page.close(); // Alt+F4: kiosk mode does not block it
    expect(page.isDestroyed()).toBe(false);
    expect(shell.session.state().status).toBe('locked');
    expect(shell.app.quitting).toBe(false);

    shell.app.quit();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(shell.app.exitCode).toBe(0);
    expect(shell.order).toEqual(['engine shutdown', 'sealed', 'flushed', 'services closed']);
  });

  it('steps aside for the sign-in page, and comes back to the front, full screen, when the callback arrives', async () => {
    const shell = await boot({ platform: 'win32', kiosk: true, initial: states.signedOut() });
    const page = await shell.start();
    expect(page.isFocused()).toBe(true);
    const { browser } = await shell.servicesOptions;

    shell.session.go(states.signingIn());
    await browser.open(signInPage, endpoint);
    // The clinician sees the sign-in page, not the shell in front of it.
    expect(shell.shell.opened).toEqual([signInPage.href]);
    expect(FakeDesktop.browserSeen()).toBe(true);
    expect(FakeDesktop.foreground).toBe('browser');

    // The loopback callback: the attempt ends and the session starts.
    shell.session.go(states.active('A'));
    expect(page.isFocused()).toBe(true);
    expect(page.isKiosk()).toBe(true);
    expect(page.isVisible()).toBe(true);
    expect(FakeDesktop.browserSeen()).toBe(false);
  });
});

describe('issue 15: a second launch', () => {
  it('is listened for before the slow start-up work, and brings the window forward once it exists', async () => {
    const shell = await boot({ platform: 'win32', initial: states.signedOut() });
    shell.app.becomeReady();
    await shell.servicesOptions; // start-up is creating the services now
    expect(shell.app.count('second-instance')).toBe(1);
    // The second launch took the foreground from the shell.
    FakeDesktop.foreground = 'desktop';
    shell.app.secondInstance();

    shell.servicesReady.resolve();
    await settle(() => shell.app.windows().length > 0);
    const page = shell.win();
    expect(page.isVisible()).toBe(true);
    expect(page.isFocused()).toBe(true);
  });

  it('later launches bring a minimised window back, in front of another application', async () => {
    const shell = await boot({ platform: 'win32', initial: states.signedOut() });
    const page = await shell.start();
    page.minimize();
    FakeDesktop.foreground = 'desktop';
    shell.app.secondInstance();
    expect(page.isFocused()).toBe(true);
    page.emit('blur');
    FakeDesktop.foreground = 'desktop'; // another application in front, the shell not minimised
    shell.app.secondInstance();
    expect(page.isFocused()).toBe(true);
  });
});

describe('issue 15: an unexpected error in main', () => {
  it('relaunches, carrying the relaunch time, but not a fourth time within ten minutes', async () => {
    const now = Date.now();
    const shell = await boot({ platform: 'win32', argv: ['shell.exe', '--flag'] });
    const page = await shell.start();
    fatal!(new Error('boom'));
    // Covered at once; the relaunch waits for native calls to settle (none here but the watcher's stop).
    expect(page.onScreen()).toBe(page.contentView.children[0]);
    await vi.advanceTimersByTimeAsync(nativeSettleMs);
    expect(shell.app.relaunches).toEqual([{ args: ['--flag', `${crashRelaunchArg}${now}`] }]);
    expect(shell.app.exitCode).toBe(1);

    resetFakeElectron();
    const looping = await boot({
      platform: 'win32',
      argv: ['shell.exe', `${crashRelaunchArg}${now - 60_000},${now - 30_000},${now - 1_000}`],
    });
    await looping.start();
    fatal!(new Error('boom'));
    await vi.advanceTimersByTimeAsync(nativeSettleMs);
    expect(looping.app.relaunches).toEqual([]);
    expect(looping.dialog.showErrorBox).toHaveBeenCalledWith(
      'Clinical Workstation Shell has stopped',
      expect.stringContaining('Tell IT'),
    );
    expect(looping.app.exitCode).toBe(1);
  });

  it('does not relaunch a shell that is closing: the shutdown finishes and the shell leaves', async () => {
    const shell = await boot({ platform: 'win32', initial: states.active('A') });
    await shell.start();
    shell.app.quit();
    fatal!(new Error('a rejection from the shutdown'));
    expect(shell.app.relaunches).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(shell.app.exitCode).toBe(0);
    expect(shell.disk.closes).toBe(1);
  });
});

describe('issue 15: nothing Electron forbids before ready', () => {
  it('makes no window, session or protocol handler before ready, and fails nothing on the way up', async () => {
    const shell = await boot({ platform: 'win32' });
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeBrowserWindow.created).toEqual([]);
    expect(shell.dialog.showErrorBox).not.toHaveBeenCalled();
    await shell.start();
    expect(shell.dialog.showErrorBox).not.toHaveBeenCalled();
    // The privileged scheme was registered before ready, as Electron requires.
    expect((electron.current['protocol'] as FakeProtocol).privileged.map((s) => s.scheme)).toEqual(['app']);
  });
});

describe('issue 13: dangerous launch switches', () => {
  for (const argv of [
    ['shell.exe', '--remote-debugging-port=9222'],
    ['shell.exe', '--inspect-brk'],
    ['shell.exe', '--no-sandbox'],
    ['shell.exe', '--js-flags=--expose-gc'],
    ['shell.exe', '--log-net-log=C:\\Users\\Public\\net.json'],
    ['shell.exe', '--ssl-key-log-file=C:\\Users\\Public\\keys.txt'],
  ]) {
    it(`refuses to start with ${argv[1]}: error box, exit 1, no window`, async () => {
      const shell = await boot({ platform: 'win32', argv });
      expect(shell.app.exitCode).toBe(1);
      expect(shell.dialog.showErrorBox).toHaveBeenCalledTimes(1);
      expect(String(shell.dialog.showErrorBox.mock.calls[0]?.[1])).toContain(
        `--${(argv[1] ?? '').replace(/^--/, '').split('=')[0]}`,
      );
      shell.app.becomeReady();
      shell.servicesReady.resolve();
      await vi.advanceTimersByTimeAsync(100);
      expect(shell.app.windows()).toEqual([]);
    });
  }

  it('starts without SSLKEYLOGFILE in its environment, so the network service never writes TLS keys', async () => {
    process.env['SSLKEYLOGFILE'] = 'C:\\Users\\Public\\keys.txt';
    try {
      const shell = await boot({ platform: 'win32' });
      expect(process.env['SSLKEYLOGFILE']).toBeUndefined();
      expect(shell.app.exitCode).toBeNull();
    } finally {
      delete process.env['SSLKEYLOGFILE'];
    }
  });
});
