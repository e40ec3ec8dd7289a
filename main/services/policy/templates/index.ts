/** Every generated policy template, by its path under policy-templates/. */
import { ADMX_FILE, renderAdml, renderAdmx } from './admx';
import { renderLinuxJson, renderMacPlist } from './examples';

export const TEMPLATES_DIR = 'policy-templates';

export function renderTemplates(): Record<string, string> {
  return {
    [`windows/${ADMX_FILE}.admx`]: renderAdmx(),
    [`windows/en-US/${ADMX_FILE}.adml`]: renderAdml(),
    'linux/policy.json': renderLinuxJson(),
    'macos/uk.nhs.clinical-workstation-shell.plist': renderMacPlist(),
  };
}

export { renderSettingsTable, withSettingsTable, DOC_TABLE_START, DOC_TABLE_END } from './examples';
export { ADMX_KEY, ADMX_NAMESPACE } from './admx';
