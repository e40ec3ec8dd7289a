/**
 * Runs in the page, before the renderer: implements `window.shell` (ShellApi) over the
 * harness WebSocket. The per-run secret comes from the URL fragment, which the browser
 * never sends to a server and which the harness removes from the address bar at once.
 */
import { bindMethods } from '../../../preload/channels';
import type { InvokeChannel } from '../../../preload/channels';
import type { Result, SessionView, ShellApi, ShellInvokeApi } from '../../../preload/contract';

const secret = new URLSearchParams(location.hash.slice(1)).get('secret') ?? '';
history.replaceState(null, '', location.pathname + location.search);

const socket = new WebSocket(`ws://${location.host}/shell`);
const ready = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'hello', secret })));
  socket.addEventListener('message', function onReady(event) {
    if (JSON.parse(String(event.data)).type === 'ready') {
      socket.removeEventListener('message', onReady);
      resolve();
    }
  });
  socket.addEventListener('close', () => reject(new Error('harness socket closed')));
});

let nextId = 1;
const waiting = new Map<number, (result: Result<unknown>) => void>();
const viewListeners = new Set<(view: SessionView) => void>();

socket.addEventListener('message', (event) => {
  const message = JSON.parse(String(event.data)) as
    { type: 'result'; id: number; result: Result<unknown> } | { type: 'view'; view: SessionView } | { type: 'ready' };
  if (message.type === 'result') {
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  } else if (message.type === 'view') {
    for (const listener of viewListeners) listener(message.view);
  }
});
socket.addEventListener('close', () => {
  for (const resolve of waiting.values()) resolve({ ok: false, code: 'disconnected' });
  waiting.clear();
});

async function invoke(channel: InvokeChannel, payload: unknown): Promise<Result<unknown>> {
  try {
    await ready;
  } catch {
    return { ok: false, code: 'disconnected' };
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    socket.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
  });
}

// One function per method, each bound to its own channel (as the preload builds them); the
// transport checks every answer against the contract, so the cast only restores its type.
const invokers = bindMethods(
  (channel) =>
    (payload: unknown = null) =>
      invoke(channel, payload),
) as ShellInvokeApi;

const shell: ShellApi = {
  ...invokers,
  onView(listener) {
    const wrapped = (view: SessionView): void => listener(view);
    viewListeners.add(wrapped);
    return () => viewListeners.delete(wrapped);
  },
  reportActivity: () =>
    void ready.then(
      () => socket.send(JSON.stringify({ type: 'activity' })),
      () => undefined,
    ),
};

Object.defineProperty(window, 'shell', { value: Object.freeze(shell), writable: false, configurable: false });
