/**
 * THE contract between main and renderer: the zod schemas of what travels on each channel
 * (one table keyed by the method names of channels.ts), the ShellApi the renderer sees as
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
import { endReasons, lockReasons, workingReauthPurposes } from '../main/core/session/vocabulary';
import { isInvokeChannel, methodChannels } from './channels';
import type { InvokeChannel, InvokeMethod } from './channels';

export { activityChannel, bindMethods, invokeChannelNames, invokeMethods, isInvokeChannel, methodChannels, viewChannel } from './channels';
export type { InvokeChannel, InvokeMethod } from './channels';

export const limits = {
  draftIdChars: 64,
  patientChars: 200,
  textChars: 100_000,
  nameChars: 200,
  noticeMessageChars: 500,
  codeChars: 64,
  organisationChars: 100,
} as const;

/** The engine's own list (main/core/session/vocabulary.ts), so the two cannot drift apart. */
export const LockReasonSchema = z.enum(lockReasons);
export type LockReason = z.infer<typeof LockReasonSchema>;

/** os-lock, sleep, user-switch: IT policy chose to end (not lock) the session on that OS event. */
export const EndReasonSchema = z.enum(endReasons);
export type EndReason = z.infer<typeof EndReasonSchema>;

const CodeSchema = z.string().min(1).max(limits.codeChars).regex(/^[a-z0-9][a-z0-9-]*$/);

/** Something to tell the clinician: `message` is a whole sentence in clinician words. */
export const NoticeSchema = z.strictObject({
  code: CodeSchema,
  message: z.string().min(1).max(limits.noticeMessageChars),
});
export type Notice = z.infer<typeof NoticeSchema>;

/**
 * Display identity only. `roleName: null` means no role was selected at sign-in.
 * `roleStanding` says what the clinician can do about that: `no-roles` (NHS Care Identity holds
 * none for them), `not-chosen` (they hold roles, none selected), `chosen`; `canChangeRole`: they
 * hold another role to choose. Both are sent by main for every signed-in clinician; absent means
 * unknown (no Change role offered).
 */
export const ClinicianViewSchema = z.strictObject({
  name: z.string().min(1).max(limits.nameChars),
  roleName: z.string().max(limits.nameChars).nullable(),
  orgName: z.string().max(limits.nameChars).nullable(),
  orgCode: z.string().max(32).nullable(),
  roleStanding: z.enum(['no-roles', 'not-chosen', 'chosen']).optional(),
  canChangeRole: z.boolean().optional(),
});
export type ClinicianView = z.infer<typeof ClinicianViewSchema>;

/** 'memory-only': the OS credential store is unavailable, so drafts cannot be sealed to disk. */
export const DraftStorageSchema = z.enum(['protected', 'memory-only']);
export type DraftStorage = z.infer<typeof DraftStorageSchema>;

const Seconds = z.int().min(0);

/**
 * What a working view says about the 12-hour limit and signing in again before it:
 * `sessionEndingSoon` once the notice lead before the limit has begun (machine policy, 15 min by default);
 * `signingInAgain` while the clinician is signing in again in the browser (and what for), the
 * workspace staying usable; `notice`, why the last such attempt changed nothing.
 */
const SessionRenewalFields = {
  sessionEndingSoon: z.boolean(),
  signingInAgain: z.enum(workingReauthPurposes).nullable(),
  notice: NoticeSchema.nullable(),
};

/**
 * What every view says about the workstation itself, whoever is (or is not) signed in:
 * `organisation`, machine policy's OrganisationName (null when IT set none). The header shows
 * it when no signed-in clinician's role names their own. Main sends it on every view; absent
 * (a view built before main knew of it) reads as none.
 */
export const WorkstationSchema = z.strictObject({
  // One line of text, as machine policy checked it: no control characters reach the header.
  organisation: z.string().min(1).max(limits.organisationChars).regex(/^[^\p{Cc}\p{Zl}\p{Zp}]+$/u).nullable(),
});
export type Workstation = z.infer<typeof WorkstationSchema>;
const WorkstationField = { workstation: WorkstationSchema.optional() };

export const SessionViewSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('signed-out'), notice: NoticeSchema.nullable(), ...WorkstationField }),
  z.strictObject({
    kind: z.literal('signing-in'),
    purpose: z.enum(['sign-in', 'unlock']),
    notice: NoticeSchema.nullable(),
    ...WorkstationField,
  }),
  z.strictObject({
    kind: z.literal('active'),
    clinician: ClinicianViewSchema,
    sessionSecondsLeft: Seconds,
    ...SessionRenewalFields,
    draftStorage: DraftStorageSchema,
    ...WorkstationField,
  }),
  z.strictObject({
    kind: z.literal('warning'),
    clinician: ClinicianViewSchema,
    /** Seconds until the idle lock. */
    secondsLeft: Seconds,
    /** Seconds until the 12-hour re-authentication. */
    sessionSecondsLeft: Seconds,
    ...SessionRenewalFields,
    draftStorage: DraftStorageSchema,
    ...WorkstationField,
  }),
  z.strictObject({
    kind: z.literal('locked'),
    reason: LockReasonSchema,
    clinician: ClinicianViewSchema,
    /** True while an unlock sign-in is waiting in the system browser. */
    unlocking: z.boolean(),
    /** When it locked: epoch milliseconds by the workstation's clock (shown as "Locked at 14:32"). */
    lockedAt: z.int().min(0),
    notice: NoticeSchema.nullable(),
    /**
     * Where a smartcard reader is watched: whether a card is in it now, so the lock screen can say
     * "Select Unlock" or "Insert your smartcard". A card never unlocks by itself.
     */
    smartcard: z.enum(['in', 'out']).optional(),
    ...WorkstationField,
  }),
  z.strictObject({ kind: z.literal('ended'), reason: EndReasonSchema, ...WorkstationField }),
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
  [M in keyof MethodSchemas]: (...args: ArgsOf<M, z.input<MethodSchemas[M]['request']>>) => Promise<Result<ResponseOf<M>>>;
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

const channelMethods = new Map<InvokeChannel, InvokeMethod>(Object.entries(methodChannels).map(([method, channel]) => [channel, method as InvokeMethod]));

export type ParsedRequest = { ok: true; method: InvokeMethod; channel: InvokeChannel; payload: unknown } | { ok: false; code: RefusalCode };

/** Checks the channel name and payload shape. Never echoes the content in what it returns. */
export function parseRequest(channel: unknown, payload: unknown): ParsedRequest {
  const method = isInvokeChannel(channel) ? channelMethods.get(channel) : undefined;
  if (!isInvokeChannel(channel) || method === undefined) return { ok: false, code: 'unknown-channel' };
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
