/**
 * Authenticator Assurance Levels (NIST SP 800-63B), as the shell uses them. CIS2 reports the level
 * through `acr` (and the method through `amr`); see aal-mapping.ts for the table.
 *
 * Two things are kept apart (issue 22):
 * - `Aal`, the **idle-limit class** the session engine applies: AAL2 (30 minutes) only for a sign-in
 *   proven AAL2, AAL3 (15 minutes, the strictest) for everything else, including a sign-in that
 *   proved less than AAL2 or nothing at all. It is not a statement of what the sign-in reached.
 * - `ReachedAssurance`, what the sign-in **reached**, as far as its claims prove it: what the audit
 *   log records and the machine policy's minimum is compared with. NIST SP 800-63B, as NHS
 *   England's CIS2 guidance (section 9, "Session management") quotes it: a session "SHALL NOT be
 *   considered at a higher AAL than the authentication event".
 */
export type Aal = 'AAL2' | 'AAL3';

/** What a sign-in proved: one factor (AAL1), two (AAL2), a hardware authenticator (AAL3), or nothing we can read. */
export type ReachedAssurance = 'AAL1' | 'AAL2' | 'AAL3' | 'unknown';

/** The machine policy's minimum (MinimumAssurance): a sign-in that does not prove it is refused. */
export type MinimumAssurance = 'AAL2' | 'AAL3';
