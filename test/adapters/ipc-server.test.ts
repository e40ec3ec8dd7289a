import { describe, expect, it, vi } from 'vitest';
import { isTrustedSender, originOf, registerIpc } from '../../main/adapters/ipc-server';
import { invokeChannelNames } from '../../preload/contract';
import type { Draft } from '../../preload/contract';
import { FakeBrowserWindow, FakeFrame, FakeIpcMain, FakeWebContents } from './fake-electron';
import { activeView, serveIpc, spyBackend } from './shell-fixtures';

const view = activeView;
const draft: Draft = { id: 'd1', patient: 'Jane Doe', text: 'Note', updatedAt: 1 };
const setup = serveIpc;

describe('origin and sender checks', () => {
  it('builds the origin of a custom scheme that Node calls null', () => {
    expect(originOf('app://shell/index.html')).toBe('app://shell');
    expect(originOf('app://evil/index.html')).toBe('app://evil');
    expect(originOf('not a url')).toBeNull();
  });

  it('gives no origin to a URL without a host (about:, data:, file:), so such a frame never matches ours', () => {
    for (const url of ['about:blank', 'data:text/html,<p>x</p>', 'file:///C:/shell/index.html'])
      expect(originOf(url), url).toBeNull();
  });

  it('answers false, and does not throw, for a frame whose render frame was disposed', () => {
    const main = new FakeFrame('app://shell/index.html');
    main.dispose();
    expect(isTrustedSender(main, main, 'app://shell')).toBe(false);
  });

  it('trusts only the main frame itself on the expected origin', () => {
    const main = new FakeFrame('app://shell/index.html');
    expect(isTrustedSender(main, main, 'app://shell')).toBe(true);
    expect(isTrustedSender(new FakeFrame('app://shell/index.html'), main, 'app://shell')).toBe(false);
    expect(isTrustedSender(main.child('app://shell/index.html'), main, 'app://shell')).toBe(false);
    expect(isTrustedSender(null, main, 'app://shell')).toBe(false);
    const foreign = new FakeFrame('https://example.org/');
    expect(isTrustedSender(foreign, foreign, 'app://shell')).toBe(false);
  });

  it('accepts a fresh wrapper of the same main frame, but not one that is detached', () => {
    const main = new FakeFrame('app://shell/index.html');
    const sameFrameNewWrapper = Object.assign(Object.create(FakeFrame.prototype) as FakeFrame, main);
    expect(sameFrameNewWrapper).not.toBe(main);
    expect(isTrustedSender(sameFrameNewWrapper, main, 'app://shell')).toBe(true);
    sameFrameNewWrapper.detached = true;
    expect(isTrustedSender(sameFrameNewWrapper, main, 'app://shell')).toBe(false);
    const otherProcess = Object.assign(Object.create(FakeFrame.prototype) as FakeFrame, main, { processId: 99 });
    expect(isTrustedSender(otherProcess, main, 'app://shell')).toBe(false);
  });
});

describe('registerIpc', () => {
  it('handles every contract channel', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...invokeChannelNames].sort());
  });

  it('passes a good request from the window to the backend, and logs nothing', async () => {
    const { ipcMain, own, backend, logger } = setup();
    expect(await ipcMain.invoke('drafts:save', own, draft)).toEqual({ ok: true, value: { savedAt: 2 } });
    expect(backend.saveDraft).toHaveBeenCalledWith(draft);
    expect(await ipcMain.invoke('session:get-view', own)).toEqual({ ok: true, value: view });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('refuses a sub-frame of the window', async () => {
    const { ipcMain, win, backend, logger } = setup();
    const sub = { sender: win.webContents, senderFrame: win.webContents.mainFrame.child('app://shell/index.html') };
    expect(await ipcMain.invoke('session:sign-out', sub)).toEqual({ ok: false, code: 'wrong-sender' });
    expect(backend.signOut).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith({ channel: 'session:sign-out', code: 'wrong-sender' }, expect.any(String));
  });

  it('refuses another webContents and a main frame that navigated to a foreign origin', async () => {
    const { ipcMain, win, backend } = setup();
    const other = new FakeWebContents();
    expect(await ipcMain.invoke('session:unlock', { sender: other, senderFrame: other.mainFrame })).toEqual({
      ok: false,
      code: 'wrong-sender',
    });
    win.webContents.mainFrame.url = 'https://attacker.example/';
    expect(
      await ipcMain.invoke('session:unlock', { sender: win.webContents, senderFrame: win.webContents.mainFrame }),
    ).toEqual({ ok: false, code: 'wrong-sender' });
    expect(backend.unlock).not.toHaveBeenCalled();
  });

  it("refuses, never throws, when the sender's frame was disposed (its getters throw in Electron)", async () => {
    const { ipcMain, win, backend, logger } = setup();
    const frame = win.webContents.mainFrame;
    frame.dispose();
    expect(() => frame.url).toThrow('Render frame was disposed before WebFrameMain could be accessed');
    expect(await ipcMain.invoke('session:sign-out', { sender: win.webContents, senderFrame: frame })).toEqual({
      ok: false,
      code: 'wrong-sender',
    });
    expect(() => ipcMain.emit('session:activity', { sender: win.webContents, senderFrame: frame })).not.toThrow();
    expect(backend.signOut).not.toHaveBeenCalled();
    expect(backend.reportActivity).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith({ channel: 'session:sign-out', code: 'wrong-sender' }, expect.any(String));
  });

  it("refuses when the window's own main frame was disposed (a crash), even for a sender that still looks right", async () => {
    const { ipcMain, win, backend } = setup();
    const stale = Object.assign(Object.create(FakeFrame.prototype) as FakeFrame, win.webContents.mainFrame);
    win.webContents.mainFrame.dispose();
    expect(await ipcMain.invoke('session:unlock', { sender: win.webContents, senderFrame: stale })).toEqual({
      ok: false,
      code: 'wrong-sender',
    });
    expect(backend.unlock).not.toHaveBeenCalled();
  });

  it('refuses, never throws, once the web contents are destroyed, and sends them no view', async () => {
    const { ipcMain, win, own, push } = setup();
    win.webContents.close();
    expect(await ipcMain.invoke('session:get-view', own)).toEqual({ ok: false, code: 'wrong-sender' });
    expect(() => ipcMain.emit('session:activity', own)).not.toThrow();
    expect(() => push(view)).not.toThrow();
  });

  it('refuses, never throws, when the window cannot be looked up (getWindow throws)', async () => {
    const ipcMain = new FakeIpcMain();
    const win = new FakeBrowserWindow({});
    const { backend } = spyBackend();
    const getWindow = (): never => {
      throw new Error('no window');
    };
    registerIpc({ ipcMain, getWindow, backend, logger: { warn: vi.fn() }, origin: 'app://shell' } as never);
    const own = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await ipcMain.invoke('session:unlock', own)).toEqual({ ok: false, code: 'wrong-sender' });
    expect(() => ipcMain.emit('session:activity', own)).not.toThrow();
    expect(backend.unlock).not.toHaveBeenCalled();
    expect(backend.reportActivity).not.toHaveBeenCalled();
  });

  it('refuses everything once the window is destroyed', async () => {
    const { ipcMain, win, own } = setup();
    win.destroyed = true;
    expect(await ipcMain.invoke('session:get-view', own)).toEqual({ ok: false, code: 'wrong-sender' });
  });

  it('refuses a bad payload and logs only channel and code', async () => {
    const { ipcMain, own, backend, logger } = setup();
    const result = await ipcMain.invoke('drafts:save', own, { ...draft, text: 7, token: 'SECRET-VALUE' });
    expect(result).toEqual({ ok: false, code: 'bad-request' });
    expect(backend.saveDraft).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith({ channel: 'drafts:save', code: 'bad-request' }, expect.any(String));
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('SECRET-VALUE');
  });

  it('logs a refusal that points at a fault, and not an ordinary one the session gave', async () => {
    const { ipcMain, own, backend, logger } = setup();
    backend.lock.mockReturnValueOnce({ ok: false, code: 'not-active' } as never);
    expect(await ipcMain.invoke('session:lock', own)).toEqual({ ok: false, code: 'not-active' });
    expect(logger.warn).not.toHaveBeenCalled();
    backend.lock.mockImplementationOnce(() => {
      throw new Error('the backend broke');
    });
    expect(await ipcMain.invoke('session:lock', own)).toEqual({ ok: false, code: 'internal-error' });
    expect(logger.warn).toHaveBeenCalledWith({ channel: 'session:lock', code: 'internal-error' }, expect.any(String));
  });

  it('forwards activity only from the window', () => {
    const { ipcMain, win, backend, own } = setup();
    ipcMain.emit('session:activity', own);
    ipcMain.emit('session:activity', { sender: win.webContents, senderFrame: new FakeFrame('app://shell/') });
    expect(backend.reportActivity).toHaveBeenCalledTimes(1);
  });

  it('logs ignored activity with its channel and the wrong-sender code', () => {
    const { ipcMain, win, logger } = setup();
    ipcMain.emit('session:activity', { sender: win.webContents, senderFrame: new FakeFrame('app://shell/') });
    expect(logger.warn).toHaveBeenCalledWith({ channel: 'session:activity', code: 'wrong-sender' }, expect.any(String));
  });

  it('logs, as bad-response, a backend answer that breaks the contract, and refuses it', async () => {
    const { ipcMain, own, backend, logger } = setup();
    backend.getView.mockReturnValueOnce({ ok: true, value: { ...view, accessToken: 'eyJ-SECRET' } } as never);
    expect(await ipcMain.invoke('session:get-view', own)).toEqual({ ok: false, code: 'bad-response' });
    expect(logger.warn).toHaveBeenCalledWith({ channel: 'session:get-view', code: 'bad-response' }, expect.any(String));
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('eyJ-SECRET');
  });

  it('pushes each view to the window, and a fail-closed view instead of one that breaks the contract', () => {
    const { win, push } = setup();
    push(view);
    push({ ...view, accessToken: 'eyJ-SECRET' });
    expect(win.webContents.sent.map((s) => s.channel)).toEqual(['session:view', 'session:view']);
    expect(win.webContents.sent[0]?.args).toEqual([view]);
    expect(win.webContents.sent[1]?.args[0]).toMatchObject({ kind: 'signed-out' });
    expect(JSON.stringify(win.webContents.sent)).not.toContain('eyJ-SECRET');
  });

  it('logs the fallback view as bad-response on the view channel, without the view', () => {
    const { push, logger } = setup();
    push({ ...view, accessToken: 'eyJ-SECRET' });
    expect(logger.warn).toHaveBeenCalledWith({ channel: 'session:view', code: 'bad-response' }, expect.any(String));
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('eyJ-SECRET');
  });

  it('removes every handler, the activity listener and the subscription on dispose', () => {
    const { ipcMain, dispose, hasListener } = setup();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.count('session:activity')).toBe(0);
    expect(hasListener()).toBe(false);
  });
});
