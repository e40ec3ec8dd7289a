/**
 * Runs in the page, before the renderer: implements `window.shell` (ShellApi) over the
 * harness WebSocket. The per-run secret comes from the URL fragment, which the browser
 * never sends to a server and which the harness removes from the address bar at once.
 */
import { methodChannels } from '../../../preload/channels';
import type { InvokeMethod } from '../../../preload/channels';
import type { Result, SessionView, ShellApi } from '../../../preload/contract';

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
    | { type: 'result'; id: number; result: Result<unknown> }
    | { type: 'view'; view: SessionView }
    | { type: 'ready' };
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

async function invoke(method: InvokeMethod, payload: unknown = null): Promise<Result<unknown>> {
  try {
    await ready;
  } catch {
    return { ok: false, code: 'disconnected' };
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    socket.send(JSON.stringify({ type: 'invoke', id, channel: methodChannels[method], payload }));
  });
}

const shell: ShellApi = {
  getView: () => invoke('getView') as ReturnType<ShellApi['getView']>,
  onView(listener) {
    const wrapped = (view: SessionView): void => listener(view);
    viewListeners.add(wrapped);
    return () => viewListeners.delete(wrapped);
  },
  signIn: () => invoke('signIn') as ReturnType<ShellApi['signIn']>,
  cancelSignIn: () => invoke('cancelSignIn') as ReturnType<ShellApi['cancelSignIn']>,
  stillHere: () => invoke('stillHere') as ReturnType<ShellApi['stillHere']>,
  reportActivity: () => void ready.then(() => socket.send(JSON.stringify({ type: 'activity' })), () => undefined),
  unlock: () => invoke('unlock') as ReturnType<ShellApi['unlock']>,
  signInAsSomeoneElse: () => invoke('signInAsSomeoneElse') as ReturnType<ShellApi['signInAsSomeoneElse']>,
  lock: () => invoke('lock') as ReturnType<ShellApi['lock']>,
  signOut: () => invoke('signOut') as ReturnType<ShellApi['signOut']>,
  loadDrafts: () => invoke('loadDrafts') as ReturnType<ShellApi['loadDrafts']>,
  saveDraft: (draft) => invoke('saveDraft', draft) as ReturnType<ShellApi['saveDraft']>,
};

Object.defineProperty(window, 'shell', { value: Object.freeze(shell), writable: false, configurable: false });
