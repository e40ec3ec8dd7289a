import type { SandboxClinician } from './clinicians';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** '"Clinical":"Clinical Provision":"Nurse Access Role"' → 'Nurse Access Role', as CIS2 shows it. */
function roleLabel(c: SandboxClinician, role: SandboxClinician['roles'][number]): string {
  const name = [...role.role_name.matchAll(/"([^"]+)"/g)].map((m) => m[1]).at(-1) ?? role.role_name;
  const org = c.orgs.find((o) => o.org_code === role.org_code)?.org_name ?? role.org_code;
  return `${name}, ${org} (${role.org_code})`;
}

/**
 * The role picker a clinician with more than one role sees, like CIS2's role selection after
 * authentication: one radio per role, their usual role chosen to begin with (so a sign-in that
 * only names the clinician selects it, as the tests' HTTP driver does).
 */
function rolePicker(c: SandboxClinician): string {
  if (c.roles.length < 2) return '';
  const options = c.roles
    .map((r) => {
      const id = `role-${escape(c.id)}-${escape(r.person_roleid)}`;
      const checked = r.person_roleid === c.selectedRoleId ? ' checked' : '';
      return `<div><input type="radio" id="${id}" name="role" value="${escape(r.person_roleid)}"${checked}> <label for="${id}">${escape(roleLabel(c, r))}</label></div>`;
    })
    .join('\n');
  return `<fieldset><legend>Choose the role to use for ${escape(c.name)}</legend>\n${options}</fieldset>`;
}

/** The sandbox's sign-in page: pick a test clinician (and, with several, their role). Plain HTML forms, no script. */
export function loginPageHtml(action: string, abortAction: string, clinicians: readonly SandboxClinician[]): string {
  const items = clinicians
    .map(
      (
        c,
      ) => `<li><form method="post" action="${escape(action)}"><input type="hidden" name="clinician" value="${escape(c.id)}">
${rolePicker(c)}<button type="submit">Sign in as ${escape(c.name)}</button> <span>${escape(c.description)}</span></form></li>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CIS2 sandbox – sign in</title>
<style>body{font-family:Arial,sans-serif;margin:2em}li{margin:.6em 0}fieldset{margin:.4em 0}header{background:#005eb8;color:#fff;padding:1em}</style></head>
<body><header>CIS2 sandbox (not a real NHS service)</header><h1>Choose a test clinician</h1><ul>${items}</ul>
<form method="post" action="${escape(abortAction)}"><button type="submit">Cancel sign-in (access_denied)</button></form></body></html>`;
}
