import type { ClinicianView } from '../../preload/contract';
import { Button } from '../common';
import { useShell } from '../context';
import { changeRoleText, noRoleNote, roleGuidanceText } from '../words';

/** Whether the clinician is choosing a role in the browser now (the workspace stays usable meanwhile). */
function useChoosingRole(): boolean {
  return useShell((s) => s.view !== null && 'signingInAgain' in s.view && s.view.signingInAgain === 'role-change');
}

/** "Change role", for a clinician who holds another role: CIS2 asks which when they sign in again. */
export function ChangeRoleButton({ clinician }: { clinician: ClinicianView }) {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  const choosing = useChoosingRole();
  if (clinician.canChangeRole !== true) return null;
  return (
    <Button testId="change-role" reverse onClick={() => act('changeRole')} disabled={busy === 'changeRole' || choosing}>
      {changeRoleText.button}
    </Button>
  );
}

/** While the role is being chosen in the browser: say where, and let the clinician stop. */
export function RoleChangeStatus() {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  const choosing = useChoosingRole();
  if (!choosing) return null;
  return (
    <div className="nhsuk-inset-text" data-testid="role-change-status">
      <p role="status">{changeRoleText.choosing}</p>
      <Button
        testId="cancel-role-change"
        secondary
        onClick={() => act('cancelSignIn')}
        disabled={busy === 'cancelSignIn'}
      >
        {changeRoleText.cancel}
      </Button>
    </div>
  );
}

/** What a clinician with no role in use should do (ask their Registration Authority, or choose one). */
export function RoleGuidance({ clinician }: { clinician: ClinicianView }) {
  if (clinician.roleName !== null) return null;
  const standing = clinician.roleStanding;
  const text = standing === 'no-roles' || standing === 'not-chosen' ? roleGuidanceText[standing] : noRoleNote;
  return (
    <div className="nhsuk-inset-text" data-testid="no-role-note" data-standing={standing ?? 'unknown'}>
      <p>{text}</p>
    </div>
  );
}
