import type { SandboxClinician } from './clinicians';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sandbox's sign-in page: pick a test clinician. Plain HTML forms, no script. */
export function loginPageHtml(action: string, abortAction: string, clinicians: readonly SandboxClinician[]): string {
  const items = clinicians
    .map(
      (c) => `<li><form method="post" action="${escape(action)}"><input type="hidden" name="clinician" value="${escape(c.id)}">
<button type="submit">Sign in as ${escape(c.name)}</button> <span>${escape(c.description)}</span></form></li>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CIS2 sandbox – sign in</title>
<style>body{font-family:Arial,sans-serif;margin:2em}li{margin:.6em 0}header{background:#005eb8;color:#fff;padding:1em}</style></head>
<body><header>CIS2 sandbox (not a real NHS service)</header><h1>Choose a test clinician</h1><ul>${items}</ul>
<form method="post" action="${escape(abortAction)}"><button type="submit">Cancel sign-in (access_denied)</button></form></body></html>`;
}
