// The IPC surface is one table: `methodChannels` names every operation and its channel, and
// `methodSchemas` gives each the schemas of what travels. This checks that everything built
// from the table (the dispatcher's channels, the preload's window.shell and the harness's
// window.shell over WebSocket) has exactly the table's methods, each on its own channel, and
// that neither window.shell offers anything else.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import {
  activityChannel,
  invokeChannelNames,
  invokeMethods,
  methodChannels,
  methodSchemas,
  viewChannel,
} from '../../preload/contract';
import type {
  Draft,
  DraftList,
  InvokeMethod,
  Result,
  SessionView,
  ShellApi,
  ShellBackend,
} from '../../preload/contract';

// Compile-time: the derived interfaces have exactly the table's methods plus their own two.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const apiKeys: Equal<keyof ShellApi, InvokeMethod | 'onView' | 'reportActivity'> = true;
const backendKeys: Equal<keyof ShellBackend, InvokeMethod | 'reportActivity' | 'subscribe'> = true;
const schemaKeys: Equal<keyof typeof methodSchemas, InvokeMethod> = true;
// A method whose request is NoPayload takes no argument; any other takes its payload, parsed on the backend side.
const noArgs: Equal<Parameters<ShellApi['getView']>, []> & Equal<Parameters<ShellBackend['signOut']>, []> = true;
const payloadArg: Equal<Parameters<ShellApi['saveDraft']>, [payload: Draft]> &
  Equal<Parameters<ShellBackend['saveDraft']>, [payload: Draft]> = true;
const responses: Equal<Awaited<ReturnType<ShellApi['loadDrafts']>>, Result<DraftList>> &
  Equal<ReturnType<ShellBackend['getView']>, Result<SessionView> | Promise<Result<SessionView>>> = true;

const draft = { id: 'd-1', patient: 'Jane Doe', text: 'Obs stable.', updatedAt: 1 };
/** A payload for each method that takes one, so each call below is a valid one. */
const payloadFor: Partial<Record<InvokeMethod, unknown>> = { saveDraft: draft };
const nonInvoke = ['onView', 'reportActivity'];

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, value: null })),
  send: vi.fn(),
  on: vi.fn(),
  removeListener: vi.fn(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    send: electron.send,
    on: electron.on,
    removeListener: electron.removeListener,
  },
}));

/** Just enough of a browser WebSocket for the harness client: it answers hello and every invoke. */
class FakeSocket {
  static current: FakeSocket | null = null;
  readonly sent: Array<Record<string, unknown>> = [];
  private readonly listeners = new Map<string, Set<(event: { data?: string }) => void>>();
  constructor(readonly url: string) {
    FakeSocket.current = this;
    queueMicrotask(() => this.emit('open', {}));
  }
  addEventListener(type: string, listener: (event: { data?: string }) => void): void {
    this.listeners.set(type, (this.listeners.get(type) ?? new Set()).add(listener));
  }
  removeEventListener(type: string, listener: (event: { data?: string }) => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  send(data: string): void {
    const message = JSON.parse(data) as Record<string, unknown>;
    this.sent.push(message);
    const reply =
      message.type === 'hello'
        ? { type: 'ready' }
        : message.type === 'invoke'
          ? { type: 'result', id: message.id, result: { ok: true, value: null } }
          : null;
    if (reply) queueMicrotask(() => this.emit('message', { data: JSON.stringify(reply) }));
  }
  private emit(type: string, event: { data?: string }): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }
}

let preloadShell: Record<string, unknown>;
let harnessShell: Record<string, unknown>;
beforeAll(async () => {
  await import('../../preload/index');
  preloadShell = electron.exposed.get('shell') as Record<string, unknown>;

  const page: Record<string, unknown> = {};
  vi.stubGlobal('window', page);
  vi.stubGlobal('location', { hash: '#secret=s3cret', host: '127.0.0.1:5173', pathname: '/index.html', search: '' });
  vi.stubGlobal('history', { replaceState: vi.fn() });
  vi.stubGlobal('WebSocket', FakeSocket);
  try {
    await import('../harness/client/shell-over-ws');
  } finally {
    vi.unstubAllGlobals();
  }
  harnessShell = page.shell as Record<string, unknown>;
});

const call = (shell: Record<string, unknown>, method: InvokeMethod): Promise<unknown> => {
  const fn = shell[method] as (...args: unknown[]) => Promise<unknown>;
  return method in payloadFor ? fn(payloadFor[method]) : fn();
};

describe('the IPC surface table', () => {
  it('gives every method one channel of its own and a request and response schema', () => {
    expect([apiKeys, backendKeys, schemaKeys, noArgs, payloadArg, responses]).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(Object.keys(methodSchemas).sort()).toEqual([...invokeMethods].sort());
    expect(Object.keys(methodChannels).sort()).toEqual([...invokeMethods].sort());
    expect(new Set(invokeChannelNames).size).toBe(invokeMethods.length);
    expect([...invokeChannelNames].sort()).toEqual(invokeMethods.map((m) => methodChannels[m]).sort());
    for (const method of invokeMethods) {
      expect(methodChannels[method], method).toMatch(/^[a-z]+:[a-z-]+$/);
      expect(methodSchemas[method].request, method).toBeInstanceOf(z.ZodType);
      expect(methodSchemas[method].response, method).toBeInstanceOf(z.ZodType);
      // A method given its test payload (or none) is a valid request.
      expect(methodSchemas[method].request.safeParse(payloadFor[method]).success, method).toBe(true);
    }
    expect(invokeChannelNames).not.toContain(activityChannel);
    expect(invokeChannelNames).not.toContain(viewChannel);
  });

  it('the preload exposes window.shell only, with a function for every method and nothing else', async () => {
    expect([...electron.exposed.keys()]).toEqual(['shell']);
    expect(Object.keys(preloadShell).sort()).toEqual([...invokeMethods, ...nonInvoke].sort());
    for (const [name, value] of Object.entries(preloadShell)) expect(typeof value, name).toBe('function');
    for (const method of invokeMethods) {
      electron.invoke.mockClear();
      await call(preloadShell, method);
      const expected = method in payloadFor ? [methodChannels[method], payloadFor[method]] : [methodChannels[method]];
      expect(electron.invoke.mock.calls, method).toEqual([expected]);
    }
  });

  it('the harness client offers the same window.shell, each method on its own channel', async () => {
    expect(Object.keys(harnessShell).sort()).toEqual([...invokeMethods, ...nonInvoke].sort());
    for (const [name, value] of Object.entries(harnessShell)) expect(typeof value, name).toBe('function');
    const socket = FakeSocket.current;
    if (socket === null) throw new Error('the harness client opened no socket');
    expect(socket.url).toBe('ws://127.0.0.1:5173/shell');
    await vi.waitFor(() => expect(socket.sent[0]).toEqual({ type: 'hello', secret: 's3cret' }));
    for (const method of invokeMethods) {
      socket.sent.length = 0;
      expect(await call(harnessShell, method), method).toEqual({ ok: true, value: null });
      expect(socket.sent, method).toEqual([
        {
          type: 'invoke',
          id: expect.any(Number),
          channel: methodChannels[method],
          payload: payloadFor[method] ?? null,
        },
      ]);
    }
  });
});
