/**
 * npm run policy:templates: writes the Group Policy ADMX/ADML, the Linux JSON example and the
 * macOS plist example under policy-templates/, and the settings table in docs/policy.md, all
 * from the catalogue. A test fails when the committed files differ from what this writes.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderTemplates, TEMPLATES_DIR, withSettingsTable } from '../services/policy/templates';

const root = join(import.meta.dirname, '..', '..');

for (const [path, text] of Object.entries(renderTemplates())) {
  const file = join(root, TEMPLATES_DIR, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  console.log(`wrote ${TEMPLATES_DIR}/${path}`);
}
const doc = join(root, 'docs', 'policy.md');
await writeFile(doc, withSettingsTable(await readFile(doc, 'utf8')));
console.log('updated the settings table in docs/policy.md');
