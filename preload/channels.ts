/**
 * The IPC surface's one list of names, with no runtime dependencies, so the sandboxed preload
 * bundle can import it without pulling in zod. preload/contract.ts re-exports everything here
 * (and adds each method's schemas) and is the file other code should import from.
 */

/**
 * Every request/response operation (ipcRenderer.invoke ⇄ ipcMain.handle): the method on
 * `window.shell` (ShellApi), the method on the main-side ShellBackend, and the channel it
 * travels on. Adding an operation starts here; the contract's schema table must then name
 * it too (it is checked against this list), and every other list is derived.
 */
export const methodChannels = {
  getView: 'session:get-view',
  signIn: 'session:sign-in',
  cancelSignIn: 'session:cancel-sign-in',
  stillHere: 'session:still-here',
  unlock: 'session:unlock',
  signInAsSomeoneElse: 'session:sign-in-as-someone-else',
  lock: 'session:lock',
  changeRole: 'session:change-role',
  renewSession: 'session:renew',
  signOut: 'session:sign-out',
  loadDrafts: 'drafts:load',
  saveDraft: 'drafts:save',
} as const;
export type InvokeMethod = keyof typeof methodChannels;
export type InvokeChannel = (typeof methodChannels)[InvokeMethod];

export const invokeMethods = Object.keys(methodChannels) as InvokeMethod[];
/** Request/response channels, derived from `methodChannels`. */
export const invokeChannelNames: readonly InvokeChannel[] = invokeMethods.map((method) => methodChannels[method]);

/** Fire-and-forget: the renderer saw user input (throttled to at most once a second). */
export const activityChannel = 'session:activity';
/** Main → renderer push of the whole SessionView whenever it changes. */
export const viewChannel = 'session:view';

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && (invokeChannelNames as readonly string[]).includes(channel);
}

/**
 * One function per method, each made by `bind` for that method's own fixed channel. The
 * preload and the harness client build `window.shell` with this, so neither lists the methods
 * and neither can offer a function that picks its channel at call time.
 */
export function bindMethods<F>(bind: (channel: InvokeChannel, method: InvokeMethod) => F): Record<InvokeMethod, F> {
  return Object.fromEntries(invokeMethods.map((method) => [method, bind(methodChannels[method], method)])) as Record<
    InvokeMethod,
    F
  >;
}
