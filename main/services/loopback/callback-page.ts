/** The small page the browser shows once the shell has the callback. No tokens, no codes, no script. */
export type DonePage = 'signed-in' | 'failed';

export function donePageHtml(page: DonePage): string {
  const [title, body] =
    page === 'signed-in'
      ? ['Sign-in complete', 'You can close this browser tab and return to the Clinical Workstation Shell.']
      : ['Sign-in did not complete', 'Return to the Clinical Workstation Shell to see what happened and try again.'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title} – Clinical Workstation Shell</title>
<style>body{font-family:Arial,sans-serif;margin:0;background:#f0f4f5;color:#212b32}
header{background:#005eb8;color:#fff;padding:16px 24px;font-weight:bold}main{max-width:40em;margin:32px auto;padding:0 24px}</style>
</head><body><header>Clinical Workstation Shell</header><main><h1>${title}</h1><p>${body}</p></main></body></html>`;
}
