// The preload against a fake 'electron' module: it exposes exactly the named ShellApi methods,
// each over the contract's channel, and an onView unsubscribe removes exactly its own listener
// (a regression seen elsewhere: wrapping listeners in fresh closures so removal never matched).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { activityChannel, methodChannels, viewChannel } from '../../preload/contract';
import type { SessionView, ShellApi } from '../../preload/contract';

type Listener = (event: unknown, ...args: unknown[]) => void;
const fake = vi.hoisted(() => {
  const listeners = new Map<string, Listener[]>();
  return {
    exposed: new Map<string, unknown>(),
    listeners,
    invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, value: null })),
    send: vi.fn(),
    sendSync: vi.fn(),
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api) },
  ipcRenderer: {
    invoke: fake.invoke,
    send: fake.send,
    sendSync: fake.sendSync,
    on: (channel: string, l: Listener) => fake.listeners.set(channel, [...(fake.listeners.get(channel) ?? []), l]),
    removeListener: (channel: string, l: Listener) =>
      fake.listeners.set(
        channel,
        (fake.listeners.get(channel) ?? []).filter((x) => x !== l),
      ),
  },
}));

let shell: ShellApi;
beforeAll(async () => {
  await import('../../preload/index');
  shell = fake.exposed.get('shell') as ShellApi;
});

const view: SessionView = { kind: 'ended', reason: 'sign-out' };
const emitView = (v: SessionView) => {
  for (const l of fake.listeners.get(viewChannel) ?? []) l({ sender: 'ipc-event' }, v);
};

describe('preload', () => {
  it('exposes only window.shell, with exactly the named methods', () => {
    expect([...fake.exposed.keys()]).toEqual(['shell']);
    expect(Object.keys(shell).sort()).toEqual([...Object.keys(methodChannels), 'onView', 'reportActivity'].sort());
    for (const value of Object.values(shell)) expect(typeof value).toBe('function');
  });

  it('sends each method on its contract channel, and the draft as the only argument', async () => {
    for (const [method, channel] of Object.entries(methodChannels)) {
      fake.invoke.mockClear();
      if (method === 'saveDraft') await shell.saveDraft({ id: 'd', patient: '', text: '', updatedAt: 0 });
      else await (shell[method as Exclude<keyof typeof methodChannels, 'saveDraft'>] as () => Promise<unknown>)();
      expect(fake.invoke).toHaveBeenCalledTimes(1);
      expect(fake.invoke.mock.calls[0]?.[0]).toBe(channel);
    }
    expect(fake.invoke.mock.calls[0]).toEqual(['drafts:save', { id: 'd', patient: '', text: '', updatedAt: 0 }]);
  });

  it('reports activity fire-and-forget, never synchronously', () => {
    shell.reportActivity();
    expect(fake.send).toHaveBeenCalledWith(activityChannel);
    expect(fake.sendSync).not.toHaveBeenCalled();
  });

  it('passes views to the listener without the IPC event, and unsubscribes exactly that listener', () => {
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = shell.onView(first);
    shell.onView(second);
    emitView(view);
    expect(first).toHaveBeenCalledWith(view);
    expect(first.mock.calls[0]).toHaveLength(1);
    stopFirst();
    emitView(view);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(2);
    expect(fake.listeners.get(viewChannel)).toHaveLength(1);
  });
});
