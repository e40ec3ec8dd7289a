/**
 * What the renderer is shown, as zod schemas: the session view (one shape per screen), the
 * clinician's display identity, notices and drafts, with the size limits every field is held to.
 * Every object is strict, so an unexpected field (a token that slipped into a view, say) makes
 * the message invalid instead of travelling silently. contract.ts puts these on the channels and
 * re-exports them: importers name the contract, never this file.
 */
import * as z from 'zod';
import { cis2Environments } from '../main/core/environment';
import type { ShellErrorCode } from '../main/core/errors';
import type { Effect } from '../main/core/session';
import { endReasons, lockReasons, workingReauthPurposes } from '../main/core/session/vocabulary';

export const limits = {
  draftIdChars: 64,
  patientChars: 200,
  textChars: 100_000,
  nameChars: 200,
  noticeMessageChars: 500,
  organisationChars: 100,
} as const;

/** The engine's own list (main/core/session/vocabulary.ts), so the two cannot drift apart. */
export const LockReasonSchema = z.enum(lockReasons);
export type LockReason = z.infer<typeof LockReasonSchema>;

/** os-lock, sleep, user-switch: IT policy chose to end (not lock) the session on that OS event. */
export const EndReasonSchema = z.enum(endReasons);
export type EndReason = z.infer<typeof EndReasonSchema>;

/**
 * Every ShellErrorCode (main/core/errors.ts) once, as a value the schema can check: the Record
 * makes the compiler refuse a code left out here, or one errors.ts does not have.
 */
const everyShellErrorCode: Record<ShellErrorCode, true> = {
  SIGNIN_CANCELLED: true,
  SIGNIN_TIMEOUT: true,
  SIGNIN_ACCESS_DENIED: true,
  SIGNIN_LOGIN_REQUIRED: true,
  SIGNIN_PROVIDER_ERROR: true,
  SIGNIN_DISCOVERY_FAILED: true,
  SIGNIN_BROWSER_FAILED: true,
  SIGNIN_TOKEN_REJECTED: true,
  SIGNIN_AUTH_TIME_STALE: true,
  SIGNIN_AUTH_TIME_MISSING: true,
  SIGNIN_USERINFO_MISMATCH: true,
  SIGNIN_NETWORK: true,
  SIGNIN_PROXY_AUTH: true,
  SIGNIN_CLIENT_KEY_MISSING: true,
  SIGNIN_ASSURANCE_TOO_LOW: true,
  TOKEN_REFRESH_FAILED: true,
  TOKEN_SIGNED_OUT: true,
  TOKEN_REVOCATION_FAILED: true,
  CONFIG_INVALID: true,
  KEYRING_UNAVAILABLE: true,
  STORAGE_FAILED: true,
  LOG_FOLDER_UNAVAILABLE: true,
  DRAFTS_FILE_TORN: true,
  DRAFTS_FILE_TAMPERED: true,
  DRAFTS_LIMIT_REACHED: true,
  LOGOUT_TOKEN_MALFORMED: true,
  LOGOUT_TOKEN_ALG_REFUSED: true,
  LOGOUT_TOKEN_SIGNATURE_INVALID: true,
  LOGOUT_TOKEN_KEYS_UNAVAILABLE: true,
  LOGOUT_TOKEN_ISSUER_MISMATCH: true,
  LOGOUT_TOKEN_AUDIENCE_MISMATCH: true,
  LOGOUT_TOKEN_IAT_MISSING: true,
  LOGOUT_TOKEN_ISSUED_IN_FUTURE: true,
  LOGOUT_TOKEN_TOO_OLD: true,
  LOGOUT_TOKEN_EXPIRED: true,
  LOGOUT_TOKEN_EVENTS_MISSING: true,
  LOGOUT_TOKEN_NOT_LOGOUT_EVENT: true,
  LOGOUT_TOKEN_NONCE_PRESENT: true,
  LOGOUT_TOKEN_SUBJECT_MISSING: true,
  LOGOUT_TOKEN_JTI_MISSING: true,
  LOGOUT_TOKEN_REPLAYED: true,
  IPC_INVALID: true,
  SESSION_NOT_ACTIVE: true,
  SESSION_WRONG_STATE: true,
  INTERNAL: true,
};

/** Why the engine refused a working re-authentication (its `workingReauthRefused` effect), each once. */
type WorkingReauthRefusal = Extract<Effect, { type: 'workingReauthRefused' }>['why'];
const everyWorkingReauthRefusal: Record<WorkingReauthRefusal, true> = { 'different-user': true, 'past-limit': true };

/**
 * What a notice is about, never a made-up string: the ShellErrorCode of a failed sign-in (as
 * it is), or why the engine refused a sign-in made while working. renderer/words.ts has an
 * exhaustive table over this list.
 */
export const noticeCodes = [...Object.keys(everyShellErrorCode), ...Object.keys(everyWorkingReauthRefusal)] as [
  NoticeCode,
  ...NoticeCode[],
];
export type NoticeCode = ShellErrorCode | WorkingReauthRefusal;
export const NoticeCodeSchema = z.enum(noticeCodes);

/** Something to tell the clinician: `message` is a whole sentence in clinician words. */
export const NoticeSchema = z.strictObject({
  code: NoticeCodeSchema,
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
 * `environment`: the CIS2 environment of the configured issuer (main/core/environment.ts). On
 * anything but `live` every screen shows the test-environment banner. Main sends it on every
 * view; absent (the fail-closed fallback view), the renderer keeps the last one it was told.
 */
export const WorkstationSchema = z.strictObject({
  // One line of text, as machine policy checked it: no control characters reach the header.
  organisation: z
    .string()
    .min(1)
    .max(limits.organisationChars)
    .regex(/^[^\p{Cc}\p{Zl}\p{Zp}]+$/u)
    .nullable(),
  environment: z.enum(cis2Environments).optional(),
  /**
   * `relayRefused`: the logout relay (RelayUrl) refused this workstation's sign-in as another
   * issuer's or client's, and the shell stopped using it (docs/decisions.md, 35); every screen
   * says so until the shell restarts. Absent reads as false.
   */
  relayRefused: z.boolean().optional(),
});
export type Workstation = z.infer<typeof WorkstationSchema>;
const WorkstationField = { workstation: WorkstationSchema.optional() };

/**
 * `cis2Unreachable`: the session's last refresh got no answer from NHS Care Identity (the network
 * down, or CIS2 unavailable); nothing about the session changed. While working, the workspace says
 * so calmly and carries on; on the lock screen, it says unlocking needs NHS Care Identity. Main
 * sends it on every view with a session; absent reads as false.
 */
const ReachField = { cis2Unreachable: z.boolean().optional() };

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
    ...ReachField,
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
    ...ReachField,
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
    smartcard: z.enum(['in', 'out', 'reinsert']).optional(),
    ...ReachField,
    ...WorkstationField,
  }),
  z.strictObject({ kind: z.literal('ended'), reason: EndReasonSchema, ...WorkstationField }),
]);
export type SessionView = z.infer<typeof SessionViewSchema>;

/** A clinical note in progress. The renderer makes the id (crypto.randomUUID()). */
export const DraftSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(limits.draftIdChars)
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/),
  patient: z.string().max(limits.patientChars),
  text: z.string().max(limits.textChars),
  /** Milliseconds since the epoch, by the renderer's clock; informational only. */
  updatedAt: z.int().min(0),
});
export type Draft = z.infer<typeof DraftSchema>;

export const DraftListSchema = z.strictObject({ drafts: z.array(DraftSchema).max(100) });
export type DraftList = z.infer<typeof DraftListSchema>;
export const SavedSchema = z.strictObject({ savedAt: z.int().min(0) });
