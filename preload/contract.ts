/**
 * THE contract between main and renderer: the zod schemas of what travels on each channel
 * (one table keyed by the method names of channels.ts, over the shapes in views.ts), the ShellApi the renderer sees as
 * `window.shell` and the ShellBackend main implements (both derived from that table), and the
 * one vocabulary of refusal codes.
 *
 * The renderer sees only the session view, display identity, drafts and outcomes: never a
 * token, code, verifier or session secret. Every object schema is strict, so an unexpected
 * field (a token that slipped into a view, say) makes the message invalid instead of
 * travelling silently. Both transports (Electron IPC and the harness WebSocket) go through
 * `dispatch`, so they accept and refuse exactly the same things.
 */
import * as z from 'zod';
import { isInvokeChannel, methodChannels } from './channels';
import type { InvokeChannel, InvokeMethod } from './channels';
import { DraftListSchema, DraftSchema, SavedSchema, SessionViewSchema } from './views';
import type { SessionView } from './views';

export {
  activityChannel,
  bindMethods,
  invokeChannelNames,
  invokeMethods,
  isInvokeChannel,
  methodChannels,
  viewChannel,
} from './channels';
export type { InvokeChannel, InvokeMethod } from './channels';

export * from './views';

/** Requests without a payload: `invoke(channel)` sends undefined, JSON transports may send null. */
const NoPayload = z.null().optional();
type NoPayload = typeof NoPayload;
/** Acknowledgement with nothing to return (null survives JSON; undefined would not). */
const Ack = z.null();

/**
 * What travels for each operation, keyed by the method names of `methodChannels` (which
 * ties each method to its channel). ShellApi, ShellBackend, the dispatcher, the preload and
 * the harness client all derive from these two tables; nothing else lists the methods.
 * A method whose request is `NoPayload` takes no argument; any other takes its payload as
 * its one argument.
 */
export const methodSchemas = {
  getView: { request: NoPayload, response: SessionViewSchema },
  signIn: { request: NoPayload, response: Ack },
  cancelSignIn: { request: NoPayload, response: Ack },
  stillHere: { request: NoPayload, response: Ack },
  unlock: { request: NoPayload, response: Ack },
  signInAsSomeoneElse: { request: NoPayload, response: Ack },
  /** The clinician steps away: lock now (the same clinician unlocks). */
  lock: { request: NoPayload, response: Ack },
  /** "Change role": the same clinician signs in again and CIS2 asks which role; the workspace stays usable. */
  changeRole: { request: NoPayload, response: Ack },
  /** "Sign in again now": the same clinician signs in again before the 12-hour limit; the workspace stays usable. */
  renewSession: { request: NoPayload, response: Ack },
  signOut: { request: NoPayload, response: Ack },
  loadDrafts: { request: NoPayload, response: DraftListSchema },
  saveDraft: { request: DraftSchema, response: SavedSchema },
} as const satisfies Record<InvokeMethod, { request: z.ZodType; response: z.ZodType }>;
type MethodSchemas = typeof methodSchemas;

/** The payload as the backend receives it (parsed). */
export type RequestOf<M extends InvokeMethod> = z.output<MethodSchemas[M]['request']>;
export type ResponseOf<M extends InvokeMethod> = z.output<MethodSchemas[M]['response']>;
type ArgsOf<M extends InvokeMethod, Payload> = MethodSchemas[M]['request'] extends NoPayload ? [] : [payload: Payload];

/**
 * Every reason the IPC edge may give for not doing something: the one refusal vocabulary.
 * The renderer has a sentence for each (renderer/words.ts), and `dispatch` turns any other
 * code a backend returns into 'internal-error', so nothing unlisted reaches the renderer.
 */
export const refusalCodes = [
  // The transports (Electron IPC and the harness WebSocket).
  /** The payload did not match the method's schema (e.g. a note over the size limit). */
  'bad-request',
  /** No such channel. */
  'unknown-channel',
  /** The message came from a frame that is not the shell window's own main frame. */
  'wrong-sender',
  /** The backend threw, or refused with a code that is not in this list. */
  'internal-error',
  /** The backend's answer did not match the method's schema, so it was not sent. */
  'bad-response',
  /** The harness client lost its WebSocket (never produced by Electron IPC). */
  'disconnected',
  // The session.
  /** The operation needs an active session (or, for saves, one that still exists). */
  'not-active',
  /** The session is not in a state where this operation means anything (e.g. unlock when not locked). */
  'wrong-state',
  // Saving a draft.
  /** The vault refused the draft's form. */
  'draft-invalid',
  /** The clinician already has the most unfinished notes the vault keeps (100). */
  'drafts-limit-reached',
  /** The draft could not be written to this workstation's storage. */
  'storage-failed',
  // Machine policy.
  /** RequireSmartcard: a sign-in or unlock cannot start without a smartcard in a reader. */
  'card-required',
  /**
   * The session locked with a smartcard in the reader, and it has not left the reader since: while
   * Identity Agent's session lives, CIS2 may authenticate again without the PIN, so the unlock
   * waits for the card to be taken out and put back (Identity Agent then asks for the PIN).
   */
  'card-reinsert-required',
] as const;
export type RefusalCode = (typeof refusalCodes)[number];
export const RefusalCodeSchema = z.enum(refusalCodes);

export function isRefusalCode(code: unknown): code is RefusalCode {
  return RefusalCodeSchema.safeParse(code).success;
}

/** Across IPC we return outcomes, never throw: Electron passes only an error's message through. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: RefusalCode };

/**
 * Named refusal codes, kept for callers written before `RefusalCode` existed. New code writes
 * the code itself (a `RefusalCode` literal such as 'not-active'), which the compiler checks.
 */
export const transportErrorCodes = {
  badRequest: 'bad-request',
  unknownChannel: 'unknown-channel',
  wrongSender: 'wrong-sender',
  internal: 'internal-error',
  badResponse: 'bad-response',
  disconnected: 'disconnected',
  notActive: 'not-active',
} as const satisfies Record<string, RefusalCode>;

type Awaitable<T> = T | Promise<T>;

/** The invoke methods of `window.shell`, one per entry of the schema table. */
export type ShellInvokeApi = {
  [M in keyof MethodSchemas]: (
    ...args: ArgsOf<M, z.input<MethodSchemas[M]['request']>>
  ) => Promise<Result<ResponseOf<M>>>;
};

/** What `window.shell` offers the renderer. */
export interface ShellApi extends ShellInvokeApi {
  /** Calls `listener` with every view main pushes; returns the function that stops it. */
  onView(listener: (view: SessionView) => void): () => void;
  /** Fire-and-forget; the renderer throttles it to at most once a second. */
  reportActivity(): void;
}

/** Main-side: the same operations, given already-parsed payloads. */
export type ShellBackendMethods = {
  [M in keyof MethodSchemas]: (...args: ArgsOf<M, RequestOf<M>>) => Awaitable<Result<ResponseOf<M>>>;
};

export interface ShellBackend extends ShellBackendMethods {
  reportActivity(): void;
  /** Calls `listener` whenever the view changes (and each second during `warning`). */
  subscribe(listener: (view: SessionView) => void): () => void;
}

const channelMethods = Object.fromEntries(
  Object.entries(methodChannels).map(([method, channel]) => [channel, method]),
) as Record<InvokeChannel, InvokeMethod>;

export type ParsedRequest =
  { ok: true; method: InvokeMethod; channel: InvokeChannel; payload: unknown } | { ok: false; code: RefusalCode };

/** Checks the channel name and payload shape. Never echoes the content in what it returns. */
export function parseRequest(channel: unknown, payload: unknown): ParsedRequest {
  if (!isInvokeChannel(channel)) return { ok: false, code: 'unknown-channel' };
  // Every invoke channel has its method: channelMethods is methodChannels turned round.
  const method = channelMethods[channel];
  const parsed = methodSchemas[method].request.safeParse(payload);
  if (!parsed.success) return { ok: false, code: 'bad-request' };
  return { ok: true, method, channel, payload: parsed.data };
}

/**
 * The one dispatcher both transports use: parse the request from unknown, call the backend,
 * and check the response against the method's schema on the way out, so a secret that
 * slipped into a view or draft list is refused here rather than sent to the renderer. A
 * refusal code outside `refusalCodes` becomes 'internal-error'.
 */
export async function dispatch(backend: ShellBackend, channel: unknown, payload: unknown): Promise<Result<unknown>> {
  const request = parseRequest(channel, payload);
  if (!request.ok) return request;
  let result: Result<unknown>;
  try {
    result = await callBackend(backend, request.method, request.payload);
  } catch {
    return { ok: false, code: 'internal-error' };
  }
  if (!result.ok) return { ok: false, code: isRefusalCode(result.code) ? result.code : 'internal-error' };
  const response = methodSchemas[request.method].response.safeParse(result.value);
  if (!response.success) return { ok: false, code: 'bad-response' };
  return { ok: true, value: response.data };
}

/** Calls the method with its parsed payload, or with nothing if the method takes none. */
function callBackend(backend: ShellBackend, method: InvokeMethod, payload: unknown): Awaitable<Result<unknown>> {
  const call = backend[method] as (...args: unknown[]) => Awaitable<Result<unknown>>;
  const request: z.ZodType = methodSchemas[method].request;
  return request === NoPayload ? call.call(backend) : call.call(backend, payload);
}

/**
 * Sent instead of a view that failed its schema, so the renderer fails closed: it leaves any
 * screen with clinical content rather than keep showing the last good view.
 */
export const unsafeViewFallback: SessionView = {
  kind: 'signed-out',
  notice: {
    // The view failed its IPC schema: the code says so; the sentence is the clinician's.
    code: 'IPC_INVALID',
    message: 'The shell could not show your session safely. Sign in again, and if this keeps happening tell IT.',
  },
};

/** Checks a view before it is pushed on `session:view`; null means "do not send it". */
export function viewForRenderer(view: unknown): SessionView | null {
  const parsed = SessionViewSchema.safeParse(view);
  return parsed.success ? parsed.data : null;
}

declare global {
  interface Window {
    shell: ShellApi;
  }
}
