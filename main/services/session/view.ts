/**
 * What the renderer may see of the session: the engine's state turned into the contract's
 * SessionView. Display identity only; no subject, no session id, nothing secret.
 */
import { msUntil } from '../../core/clock';
import type { Instant } from '../../core/clock';
import type { Cis2Environment } from '../../core/environment';
import type { SessionPolicy } from '../../core/policy';
import { canChangeRole, roleStanding } from '../../core/rbac';
import type { ClinicianIdentity } from '../../core/rbac';
import { absoluteDeadline, idleDeadline, sessionEndingSoon } from '../../core/session';
import type { SessionState } from '../../core/session';
import type { ClinicianView, DraftStorage, Notice, SessionView, Workstation } from '../../../preload/contract';

export interface ViewInputs {
  readonly state: SessionState;
  readonly policy: SessionPolicy;
  readonly now: Instant;
  readonly identity: ClinicianIdentity | null;
  readonly notice: Notice | null;
  readonly draftStorage: DraftStorage;
  /** Machine policy's OrganisationName; null or absent: none. */
  readonly organisation?: string | null;
  /** The CIS2 environment of the configured issuer (core/environment.ts); absent: not said. */
  readonly environment?: Cis2Environment;
  /** The logout relay refused this workstation as another environment's, and is no longer used. */
  readonly relayRefused?: boolean;
}

const unknownClinician: ClinicianView = { name: 'Signed-in clinician', roleName: null, orgName: null, orgCode: null };

export function clinicianView(identity: ClinicianIdentity | null): ClinicianView {
  if (!identity) return unknownClinician;
  const role = identity.selectedRole;
  return {
    name: identity.name.slice(0, 200) || unknownClinician.name,
    roleName: role ? displayRoleName(role.roleName).slice(0, 200) : null,
    orgName: role?.orgName ? role.orgName.slice(0, 200) : null,
    orgCode: role ? role.orgCode.slice(0, 32) : null,
    roleStanding: roleStanding(identity),
    canChangeRole: canChangeRole(identity),
  };
}

/**
 * CIS2 role names are a path of quoted parts ('"Clinical":"Clinical Provision":"Nurse Access
 * Role"'); a clinician knows their role by the last part.
 */
export function displayRoleName(roleName: string): string {
  const parts = [...roleName.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
  return (parts.at(-1) ?? roleName).trim() || roleName;
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/**
 * While working: whether the 12-hour notice is up, whether the clinician is signing in again in
 * the browser (and what for), and why the last attempt did not change anything.
 */
function renewal({
  state,
  policy,
  now,
  notice,
}: ViewInputs): Pick<Extract<SessionView, { kind: 'active' }>, 'sessionEndingSoon' | 'signingInAgain' | 'notice'> {
  const signingInAgain =
    state.status === 'active' || state.status === 'warning' ? (state.reauth?.purpose ?? null) : null;
  return { sessionEndingSoon: sessionEndingSoon(state, policy, now), signingInAgain, notice };
}

/**
 * Every view carries the workstation's organisation, so the header can name it on every screen
 * (the renderer shows a signed-in clinician's role organisation before it), and its CIS2
 * environment, so every screen off Live says so.
 */
export function sessionView(input: ViewInputs): SessionView {
  const workstation: Workstation = {
    organisation: input.organisation ?? null,
    ...(input.environment === undefined ? {} : { environment: input.environment }),
    ...(input.relayRefused === true ? { relayRefused: true } : {}),
  };
  return { ...viewOfState(input), workstation };
}

function viewOfState(input: ViewInputs): SessionView {
  const { state, policy, now, notice } = input;
  switch (state.status) {
    case 'signed-out':
      return { kind: 'signed-out', notice };
    case 'signing-in':
      return { kind: 'signing-in', purpose: 'sign-in', notice: null };
    case 'active':
      return {
        kind: 'active',
        clinician: clinicianView(input.identity),
        // Whole minutes while working, to the nearest: the banner and the 12-hour notice say hours
        // and minutes ("15 minutes" when the notice comes, not "14" a few seconds later), and the
        // view is re-sent only when it changes.
        sessionSecondsLeft: Math.round(seconds(msUntil(absoluteDeadline(state.session, policy), now)) / 60) * 60,
        ...renewal(input),
        draftStorage: input.draftStorage,
        cis2Unreachable: state.session.unansweredSince !== undefined,
      };
    case 'warning':
      return {
        kind: 'warning',
        clinician: clinicianView(input.identity),
        secondsLeft: seconds(msUntil(idleDeadline(state.session, policy), now)),
        sessionSecondsLeft: seconds(msUntil(absoluteDeadline(state.session, policy), now)),
        ...renewal(input),
        draftStorage: input.draftStorage,
        cis2Unreachable: state.session.unansweredSince !== undefined,
      };
    case 'locked':
    case 'reauthenticating':
      return {
        kind: 'locked',
        reason: state.reason,
        clinician: clinicianView(input.identity),
        unlocking: state.status === 'reauthenticating',
        lockedAt: Math.max(0, Math.floor(state.lockedAt.wall)),
        notice,
        cis2Unreachable: state.session.unansweredSince !== undefined,
      };
    case 'ended':
      return { kind: 'ended', reason: state.reason };
  }
}
