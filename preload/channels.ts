/**
 * Channel names only, with no runtime dependencies, so the sandboxed preload bundle can
 * import them without pulling in zod. preload/contract.ts re-exports everything here and
 * is the file other code should import from.
 */

/** Request/response channels (ipcRenderer.invoke ⇄ ipcMain.handle). */
export const invokeChannelNames = [
  'session:get-view',
  'session:sign-in',
  'session:cancel-sign-in',
  'session:still-here',
  'session:unlock',
  'session:sign-in-as-someone-else',
  'session:lock',
  'session:sign-out',
  'drafts:load',
  'drafts:save',
] as const;
export type InvokeChannel = (typeof invokeChannelNames)[number];

/** Fire-and-forget: the renderer saw user input (throttled to at most once a second). */
export const activityChannel = 'session:activity';
/** Main → renderer push of the whole SessionView whenever it changes. */
export const viewChannel = 'session:view';

/**
 * The one name for each operation: the method on `window.shell` (ShellApi), the method on
 * the main-side ShellBackend, and the channel it travels on are tied together here.
 */
export const methodChannels = {
  getView: 'session:get-view',
  signIn: 'session:sign-in',
  cancelSignIn: 'session:cancel-sign-in',
  stillHere: 'session:still-here',
  unlock: 'session:unlock',
  signInAsSomeoneElse: 'session:sign-in-as-someone-else',
  lock: 'session:lock',
  signOut: 'session:sign-out',
  loadDrafts: 'drafts:load',
  saveDraft: 'drafts:save',
} as const satisfies Record<string, InvokeChannel>;
export type InvokeMethod = keyof typeof methodChannels;

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && (invokeChannelNames as readonly string[]).includes(channel);
}
