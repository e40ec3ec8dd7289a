#!/usr/bin/env node
// Says loudly when a Windows package is about to be built unsigned (issue 13, item 8).
//
// electron-builder signs the exe, its native modules and the MSI with signtool when the build
// machine's environment names a certificate: CSC_LINK (or WIN_CSC_LINK), a .pfx file path, a
// https address or base64, with CSC_KEY_PASSWORD (or WIN_CSC_KEY_PASSWORD). electron-builder.yml
// holds no certificate or password; they come from the build machine only. Without one,
// electron-builder builds an unsigned MSI and mentions it in one line of its log, and an unsigned
// exe cannot be told apart from a planted one (ASAR integrity covers the app code, not the exe
// or the .node files). This check turns that into a warning nobody can miss, or, with
// CWS_REQUIRE_SIGNING=1 (release builds), a failed build.
//
//   node scripts/check-signing.mjs    (npm run package:win runs this first)
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

/** What the environment says about signing: whether a certificate is configured, and what is missing. */
export function signingStatus(env) {
  const link = env.WIN_CSC_LINK || env.CSC_LINK || '';
  const password = env.WIN_CSC_KEY_PASSWORD || env.CSC_KEY_PASSWORD || '';
  const required = env.CWS_REQUIRE_SIGNING === '1';
  const problems = [];
  if (link === '')
    problems.push(
      'No code-signing certificate is configured (set CSC_LINK or WIN_CSC_LINK to the .pfx, and CSC_KEY_PASSWORD).',
    );
  else if (password === '')
    problems.push('CSC_LINK is set but CSC_KEY_PASSWORD is not: signtool cannot open the certificate.');
  return { signed: problems.length === 0, required, problems };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const status = signingStatus(process.env);
  if (status.signed) {
    console.log(
      'check-signing: a code-signing certificate is configured; the exe, its native modules and the MSI will be signed.',
    );
  } else {
    const bar = '!'.repeat(78);
    console.error(`\n${bar}\n!! UNSIGNED BUILD: this MSI and the exe inside it will NOT be code-signed.`);
    for (const problem of status.problems) console.error(`!! ${problem}`);
    console.error('!! Do not deploy an unsigned build to ward PCs (docs/deploy.md, "Code signing").');
    console.error(`${bar}\n`);
    if (status.required) {
      console.error('check-signing: CWS_REQUIRE_SIGNING=1, so the build stops here.');
      process.exit(1);
    }
  }
}
