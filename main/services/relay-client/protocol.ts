/**
 * The workstation channel between a shell and the trust's back-channel logout relay: one
 * outbound WebSocket from each shell to any relay replica, at `<relay URL>/workstations`.
 * Defined once, here; the relay (relay/) and the shell's client both parse every message with
 * these schemas, and anything else is a protocol error that closes the connection.
 *
 * Why it is shaped this way (docs/relay.md):
 * - A shell registers the session it holds by presenting that session's current ID token. The
 *   relay checks it (signature by the issuer's keys, iss, aud = the client, issued within the
 *   12-hour limit) and subscribes the connection to that token's `sid` and `sub` only, so nobody
 *   can listen for another clinician's session.
 * - The relay forwards the RAW logout token, never a verdict of its own. The shell validates it
 *   again itself before acting (OIDC Back-Channel Logout 1.0 §2.6), so a compromised relay can
 *   suppress a logout but never forge one.
 * - A shell that was offline asks on every (re)connect and every few minutes whether its session
 *   was revoked; the relay answers from its revocation list (kept at least 12 hours) with the
 *   stored logout tokens, which the shell validates like any other (their `iat` may be up to 12
 *   hours old: `catchUp: true`).
 * - Version 2 (`cws-relay.v2`, offered first by current shells; a relay that knows only v1 picks
 *   v1 and both sides speak v1): every logout says how it came (`delivery`: `live` as CIS2 posted
 *   it, `late` when the relay held it first, e.g. a replica that accepted it while Redis was
 *   down, `catch-up` from the revocation list) and carries a `ref`; the shell answers each with
 *   `logout-ack` once it has checked it, `accepted` or `refused` with the refusal code. The relay
 *   sends a logout again at the next catch-up when the shell refused it, and on every new
 *   connection until one accepts it, so one refused delivery never loses an accepted logout.
 *
 * Nothing here is secret but the ID token, which travels only to the relay over `wss://`
 * (plain `ws://` is accepted for loopback only, as for the issuer) and is never logged.
 */
import * as z from 'zod';

/** The WebSocket path on a relay replica. */
export const WORKSTATION_PATH = '/workstations';
/** Subprotocol both sides name, so a version change is refused at the handshake. */
export const WORKSTATION_PROTOCOL = 'cws-relay.v1';
/** Version 2: logouts marked by delivery and acknowledged by the shell. Offered before v1. */
export const WORKSTATION_PROTOCOL_V2 = 'cws-relay.v2';
/** How often the relay pings a workstation; a workstation that hears nothing for 3 periods reconnects. */
export const HEARTBEAT_MS = 20_000;
/** How often a connected workstation asks again whether its session was revoked. */
export const CATCH_UP_MS = 5 * 60_000;
/** The largest message either side accepts, in bytes (an ID token with CIS2's RBAC claims fits). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const Jwt = z
  .string()
  .min(16)
  .max(MAX_MESSAGE_BYTES)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/);
/** A client-chosen correlation id for request/answer pairs. */
const RequestId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/** Workstation → relay. */
export const WorkstationMessageSchema = z.discriminatedUnion('type', [
  /** Hold my session: the ID token of the session this workstation now shows. Replaces any earlier registration. */
  z.strictObject({ type: z.literal('register'), id: RequestId, idToken: Jwt }),
  /** The session ended or moved to another clinician: stop sending me its logouts. */
  z.strictObject({ type: z.literal('unregister'), id: RequestId }),
  /** Was my registered session revoked while I was not listening? */
  z.strictObject({ type: z.literal('catch-up'), id: RequestId }),
  /** Answer to the relay's ping. */
  z.strictObject({ type: z.literal('pong') }),
  /** v2: a logout (by its `ref`) was checked: accepted, or refused with the refusal code. */
  z.strictObject({
    type: z.literal('logout-ack'),
    ref: RequestId,
    outcome: z.enum(['accepted', 'refused']),
    code: z
      .string()
      .regex(/^[A-Z_]{1,64}$/)
      .optional(),
  }),
]);
export type WorkstationMessage = z.infer<typeof WorkstationMessageSchema>;

/** Why the relay refused a registration (no detail from the token itself). */
export const RegistrationRefusalSchema = z.enum([
  'token-invalid',
  'token-too-old',
  'wrong-client',
  'wrong-issuer',
  'keys-unavailable',
]);
export type RegistrationRefusal = z.infer<typeof RegistrationRefusalSchema>;

/**
 * How a logout reached the workstation: `live` as CIS2 posted it, `late` held by the relay first
 * (accepted while its store was away, or published by another replica after a delay), `catch-up`
 * from the revocation list. The shell checks each the same way (docs/security.md, "Late logouts").
 */
export const DeliverySchema = z.enum(['live', 'late', 'catch-up']);
export type Delivery = z.infer<typeof DeliverySchema>;

/** Relay → workstation. */
export const RelayMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('registered'), id: RequestId }),
  z.strictObject({ type: z.literal('refused'), id: RequestId, reason: RegistrationRefusalSchema }),
  z.strictObject({ type: z.literal('unregistered'), id: RequestId }),
  /**
   * A logout token that names the registered session, as CIS2 sent it. `catchUp`: it comes from
   * the revocation list (sent before this connection listened), so its `iat` may be hours old.
   * v2 adds `delivery` and the `ref` the shell acknowledges it by.
   */
  z.strictObject({
    type: z.literal('logout'),
    logoutToken: Jwt,
    catchUp: z.boolean(),
    delivery: DeliverySchema.optional(),
    ref: RequestId.optional(),
  }),
  /** Answer to catch-up, after any `logout` messages it produced. */
  z.strictObject({ type: z.literal('caught-up'), id: RequestId }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type RelayMessage = z.infer<typeof RelayMessageSchema>;

/** Parses one text frame; null for anything that is not exactly one known message. */
export function parseWorkstationMessage(text: string): WorkstationMessage | null {
  return parseJson(text, WorkstationMessageSchema);
}

export function parseRelayMessage(text: string): RelayMessage | null {
  return parseJson(text, RelayMessageSchema);
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T | null {
  if (text.length > MAX_MESSAGE_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
