/**
 * THE contract between main and renderer: every channel, the zod schema of what travels on
 * it, the ShellApi the renderer sees as `window.shell`, and the ShellBackend main implements.
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

export { activityChannel, invokeChannelNames, isInvokeChannel, methodChannels, viewChannel } from './channels';
export type { InvokeChannel, InvokeMethod } from './channels';

export const limits = {
  draftIdChars: 64,
  patientChars: 200,
  textChars: 100_000,
  nameChars: 200,
  noticeMessageChars: 500,
  codeChars: 64,
} as const;

export const LockReasonSchema = z.enum([
  'idle',
  'os-lock',
  'sleep',
  'user-switch',
  'absolute-limit',
  'refresh-failed',
  'backchannel-logout',
  'manual',
]);
export type LockReason = z.infer<typeof LockReasonSchema>;

/** os-lock, sleep, user-switch: IT policy chose to end (not lock) the session on that OS event. */
export const EndReasonSchema = z.enum([
  'sign-out',
  'absolute-limit',
  'different-user',
  'backchannel-logout',
  'shutdown',
  'os-lock',
  'sleep',
  'user-switch',
]);
export type EndReason = z.infer<typeof EndReasonSchema>;

const CodeSchema = z.string().min(1).max(limits.codeChars).regex(/^[a-z0-9][a-z0-9-]*$/);

/** Something to tell the clinician: `message` is a whole sentence in clinician words. */
export const NoticeSchema = z.strictObject({
  code: CodeSchema,
  message: z.string().min(1).max(limits.noticeMessageChars),
});
export type Notice = z.infer<typeof NoticeSchema>;

/** Display identity only. `roleName: null` means no role was selected at sign-in. */
export const ClinicianViewSchema = z.strictObject({
  name: z.string().min(1).max(limits.nameChars),
  roleName: z.string().max(limits.nameChars).nullable(),
  orgName: z.string().max(limits.nameChars).nullable(),
  orgCode: z.string().max(32).nullable(),
});
export type ClinicianView = z.infer<typeof ClinicianViewSchema>;

/** 'memory-only': the OS credential store is unavailable, so drafts cannot be sealed to disk. */
export const DraftStorageSchema = z.enum(['protected', 'memory-only']);
export type DraftStorage = z.infer<typeof DraftStorageSchema>;

const Seconds = z.int().min(0);

export const SessionViewSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('signed-out'), notice: NoticeSchema.nullable() }),
  z.strictObject({
    kind: z.literal('signing-in'),
    purpose: z.enum(['sign-in', 'unlock']),
    notice: NoticeSchema.nullable(),
  }),
  z.strictObject({
    kind: z.literal('active'),
    clinician: ClinicianViewSchema,
    sessionSecondsLeft: Seconds,
    draftStorage: DraftStorageSchema,
  }),
  z.strictObject({
    kind: z.literal('warning'),
    clinician: ClinicianViewSchema,
    /** Seconds until the idle lock. */
    secondsLeft: Seconds,
    /** Seconds until the 12-hour re-authentication. */
    sessionSecondsLeft: Seconds,
    draftStorage: DraftStorageSchema,
  }),
  z.strictObject({
    kind: z.literal('locked'),
    reason: LockReasonSchema,
    clinician: ClinicianViewSchema,
    /** True while an unlock sign-in is waiting in the system browser. */
    unlocking: z.boolean(),
    notice: NoticeSchema.nullable(),
  }),
  z.strictObject({ kind: z.literal('ended'), reason: EndReasonSchema }),
]);
export type SessionView = z.infer<typeof SessionViewSchema>;
export type SessionViewKind = SessionView['kind'];

/** A clinical note in progress. The renderer makes the id (crypto.randomUUID()). */
export const DraftSchema = z.strictObject({
  id: z.string().min(1).max(limits.draftIdChars).regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/),
  patient: z.string().max(limits.patientChars),
  text: z.string().max(limits.textChars),
  /** Milliseconds since the epoch, by the renderer's clock; informational only. */
  updatedAt: z.int().min(0),
});
export type Draft = z.infer<typeof DraftSchema>;

export const DraftListSchema = z.strictObject({ drafts: z.array(DraftSchema).max(100) });
export type DraftList = z.infer<typeof DraftListSchema>;
export const SavedSchema = z.strictObject({ savedAt: z.int().min(0) });
export type Saved = z.infer<typeof SavedSchema>;

/** Requests without a payload: `invoke(channel)` sends undefined, JSON transports may send null. */
const NoPayload = z.null().optional();
/** Acknowledgement with nothing to return (null survives JSON; undefined would not). */
const Ack = z.null();

export const invokeChannels = {
  'session:get-view': { request: NoPayload, response: SessionViewSchema },
  'session:sign-in': { request: NoPayload, response: Ack },
  'session:cancel-sign-in': { request: NoPayload, response: Ack },
  'session:still-here': { request: NoPayload, response: Ack },
  'session:unlock': { request: NoPayload, response: Ack },
  'session:sign-in-as-someone-else': { request: NoPayload, response: Ack },
  'session:lock': { request: NoPayload, response: Ack },
  'session:sign-out': { request: NoPayload, response: Ack },
  'drafts:load': { request: NoPayload, response: DraftListSchema },
  'drafts:save': { request: DraftSchema, response: SavedSchema },
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export type RequestOf<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['response']>;

/** Across IPC we return outcomes, never throw: Electron passes only an error's message through. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: string };

/**
 * Codes the transports themselves produce. Backends add their own (e.g. 'not-active' from
 * drafts:load when no session is active for the draft owner).
 */
export const transportErrorCodes = {
  badRequest: 'bad-request',
  unknownChannel: 'unknown-channel',
  wrongSender: 'wrong-sender',
  internal: 'internal-error',
  badResponse: 'bad-response',
  notActive: 'not-active',
} as const;

export const ResultCodeSchema = CodeSchema;

/** What `window.shell` offers the renderer. */
export interface ShellApi {
  getView(): Promise<Result<SessionView>>;
  /** Calls `listener` with every view main pushes; returns the function that stops it. */
  onView(listener: (view: SessionView) => void): () => void;
  signIn(): Promise<Result<null>>;
  cancelSignIn(): Promise<Result<null>>;
  stillHere(): Promise<Result<null>>;
  /** Fire-and-forget; the renderer throttles it to at most once a second. */
  reportActivity(): void;
  unlock(): Promise<Result<null>>;
  signInAsSomeoneElse(): Promise<Result<null>>;
  /** The clinician steps away: lock now (the same clinician unlocks). */
  lock(): Promise<Result<null>>;
  signOut(): Promise<Result<null>>;
  loadDrafts(): Promise<Result<DraftList>>;
  saveDraft(draft: Draft): Promise<Result<Saved>>;
}

type Awaitable<T> = T | Promise<T>;

/** Main-side: the same operations, given already-parsed payloads. */
export interface ShellBackend {
  getView(): Awaitable<Result<SessionView>>;
  signIn(): Awaitable<Result<null>>;
  cancelSignIn(): Awaitable<Result<null>>;
  stillHere(): Awaitable<Result<null>>;
  unlock(): Awaitable<Result<null>>;
  signInAsSomeoneElse(): Awaitable<Result<null>>;
  lock(): Awaitable<Result<null>>;
  signOut(): Awaitable<Result<null>>;
  loadDrafts(): Awaitable<Result<DraftList>>;
  saveDraft(draft: Draft): Awaitable<Result<Saved>>;
  reportActivity(): void;
  /** Calls `listener` whenever the view changes (and each second during `warning`). */
  subscribe(listener: (view: SessionView) => void): () => void;
}

const channelMethods = Object.fromEntries(
  Object.entries(methodChannels).map(([method, channel]) => [channel, method]),
) as Record<InvokeChannel, InvokeMethod>;

export type ParsedRequest = { ok: true; channel: InvokeChannel; payload: unknown } | { ok: false; code: string };

/** Checks the channel name and payload shape. Never echoes the content in what it returns. */
export function parseRequest(channel: unknown, payload: unknown): ParsedRequest {
  if (!isInvokeChannel(channel)) return { ok: false, code: transportErrorCodes.unknownChannel };
  const parsed = invokeChannels[channel].request.safeParse(payload);
  if (!parsed.success) return { ok: false, code: transportErrorCodes.badRequest };
  return { ok: true, channel, payload: parsed.data };
}

/**
 * The one dispatcher both transports use: parse the request from unknown, call the backend,
 * and check the response against the channel's schema on the way out, so a secret that
 * slipped into a view or draft list is refused here rather than sent to the renderer.
 */
export async function dispatch(backend: ShellBackend, channel: unknown, payload: unknown): Promise<Result<unknown>> {
  const request = parseRequest(channel, payload);
  if (!request.ok) return request;
  let result: Result<unknown>;
  try {
    result = await callBackend(backend, request.channel, request.payload);
  } catch {
    return { ok: false, code: transportErrorCodes.internal };
  }
  if (!result.ok) {
    const code = ResultCodeSchema.safeParse(result.code);
    return { ok: false, code: code.success ? code.data : transportErrorCodes.internal };
  }
  const response = invokeChannels[request.channel].response.safeParse(result.value);
  if (!response.success) return { ok: false, code: transportErrorCodes.badResponse };
  return { ok: true, value: response.data };
}

function callBackend(backend: ShellBackend, channel: InvokeChannel, payload: unknown): Awaitable<Result<unknown>> {
  const method = channelMethods[channel];
  if (method === 'saveDraft') return backend.saveDraft(DraftSchema.parse(payload));
  return backend[method]();
}

/**
 * Sent instead of a view that failed its schema, so the renderer fails closed: it leaves any
 * screen with clinical content rather than keep showing the last good view.
 */
export const unsafeViewFallback: SessionView = {
  kind: 'signed-out',
  notice: {
    code: 'view-unavailable',
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
