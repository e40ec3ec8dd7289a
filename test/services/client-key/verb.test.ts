// Issue 13, item 6: the installed executable's own verb. main/index.ts, on the fake Electron:
// `--provision-client-key <file>` runs the shared command and exits with its code, with no window
// and without the single-instance lock (which would hand the command line to a running shell);
// the dangerous-switch check still comes first.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Provision from '../../../main/services/client-key/provision';
import { FakeApp, FakeProtocol, resetFakeElectron } from '../../adapters/fake-electron';

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
    'safeStorage',
    'session',
    'shell',
    'WebContentsView',
  ];
  const module: Record<string, unknown> = {};
  for (const name of names)
    Object.defineProperty(module, name, { enumerable: true, get: () => electron.current[name] });
  Object.defineProperty(module, 'default', { enumerable: true, value: module });
  return module;
});
const ran = vi.hoisted(() => ({ commands: [] as unknown[], code: 0 }));
vi.mock('../../../main/services/client-key/provision', async (importOriginal) => ({
  ...(await importOriginal<typeof Provision>()),
  runClientKeyCommandHere: (command: unknown) => {
    ran.commands.push(command);
    return Promise.resolve(ran.code);
  },
}));
vi.mock('../../../main/adapters/data-folder', () => ({
  useLocalDataFolder: () => ({ folder: '/fake/userData', source: 'default' }),
}));
vi.mock('../../../main/services/runtime/memory', () => ({
  keepYoungGenerationSmall: () => undefined,
  YOUNG_GENERATION_FLAG: '',
}));

const realArgv = process.argv;
beforeEach(() => {
  resetFakeElectron();
  ran.commands = [];
  ran.code = 0;
  vi.spyOn(process, 'on').mockImplementation((() => process) as unknown as typeof process.on);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  process.argv = realArgv;
  vi.restoreAllMocks();
  resetFakeElectron();
});

async function boot(argv: string[]) {
  process.argv = ['C:\\Program Files\\Clinical Workstation Shell\\Clinical Workstation Shell.exe', ...argv];
  const app = new FakeApp('win32');
  const lock = vi.spyOn(app, 'requestSingleInstanceLock');
  const dialog = { showErrorBox: vi.fn() };
  const createAppServices = vi.fn();
  electron.current = { app, dialog, protocol: new FakeProtocol({ global: true }) };
  vi.resetModules();
  vi.doMock('../../../main/services/compose', () => ({ createAppServices }));
  await import('../../../main/index');
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
  app.becomeReady();
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
  return { app, lock, dialog, createAppServices };
}

describe('the installed executable: --provision-client-key and --remove-client-key', () => {
  it("provisions and exits with the command's code: no window, no single-instance lock, no services", async () => {
    ran.code = 0;
    const shell = await boot(['--provision-client-key', 'C:\\secure\\client.pem', '--account', 'client-1']);
    expect(ran.commands).toEqual([
      expect.objectContaining({ verb: 'provision', file: 'C:\\secure\\client.pem', account: 'client-1' }),
    ]);
    expect(shell.app.exitCode).toBe(0);
    expect(shell.lock).not.toHaveBeenCalled();
    expect(shell.createAppServices).not.toHaveBeenCalled();
    expect(shell.app.windows()).toEqual([]);
    expect(shell.dialog.showErrorBox).not.toHaveBeenCalled();
  });

  it('a failed or mistyped command exits with its code (1, 2)', async () => {
    ran.code = 1;
    expect((await boot(['--remove-client-key'])).app.exitCode).toBe(1);
    ran.code = 2;
    expect((await boot(['--provision-client-key'])).app.exitCode).toBe(2);
  });

  it('the dangerous-switch check comes first: with a debugging port nothing is provisioned', async () => {
    const shell = await boot(['--provision-client-key', 'k.pem', '--remote-debugging-port=9222']);
    expect(ran.commands).toEqual([]);
    expect(shell.app.exitCode).toBe(1);
    expect(shell.dialog.showErrorBox).toHaveBeenCalledTimes(1);
  });

  it('an ordinary start is not a command', async () => {
    const shell = await boot([]);
    expect(ran.commands).toEqual([]);
    expect(shell.lock).toHaveBeenCalled();
  });
});
