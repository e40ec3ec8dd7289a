// The generated admin templates: committed files equal what the generator writes (so a catalogue
// change without `npm run policy:templates` fails here), the ADMX/ADML are well-formed and agree
// with each other and the catalogue, and what Group Policy writes from the ADMX is exactly what
// the Windows reader reads back.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, MachinePolicySchema, SETTING_NAMES } from '../../../main/services/policy/catalogue';
import type { SettingName } from '../../../main/services/policy/catalogue';
import { readPlistSource } from '../../../main/services/policy/file-source';
import { resolveMachinePolicy } from '../../../main/services/policy/machine-policy';
import { readRegistrySource } from '../../../main/services/policy/registry-source';
import {
  renderSettingsTable,
  renderTemplates,
  TEMPLATES_DIR,
  withSettingsTable,
} from '../../../main/services/policy/templates';

const root = join(import.meta.dirname, '..', '..', '..');
const generated = renderTemplates();
const admx = generated['windows/ClinicalWorkstationShell.admx'] ?? '';
const adml = generated['windows/en-US/ClinicalWorkstationShell.adml'] ?? '';
const LISTS = [
  'policies.policy',
  'enum.item',
  'categories.category',
  'stringTable.string',
  'presentationTable.presentation',
];
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_tag, jPath, _leaf, isAttribute) => !isAttribute && LISTS.some((list) => String(jPath).endsWith(list)),
});

type Attrs = Record<string, string>;
type AdmxPolicy = Attrs & {
  elements?: Record<string, (Attrs & { item?: { value: { string: string } }[] }) | undefined>;
  enabledValue?: { decimal: Attrs };
};
const policies = (): AdmxPolicy[] =>
  (parser.parse(admx) as { policyDefinitions: { policies: { policy: AdmxPolicy[] } } }).policyDefinitions.policies
    .policy;

describe('generated policy templates', () => {
  it.each(Object.keys(generated))('the committed %s is what npm run policy:templates writes', async (path) => {
    expect(await readFile(join(root, TEMPLATES_DIR, path), 'utf8')).toBe(generated[path]);
  });

  it('docs/policy.md holds the generated settings table', async () => {
    const doc = await readFile(join(root, 'docs', 'policy.md'), 'utf8');
    expect(doc).toContain(renderSettingsTable());
    expect(withSettingsTable(doc)).toBe(doc);
    for (const name of SETTING_NAMES) expect(doc).toContain(`| \`${name}\` |`);
  });

  it('the ADMX and ADML are well-formed XML', () => {
    expect(XMLValidator.validate(admx)).toBe(true);
    expect(XMLValidator.validate(adml)).toBe(true);
  });

  it('the ADMX has one policy per catalogue setting, under the shell policy key', () => {
    expect(
      policies()
        .map((p) => p.name)
        .sort(),
    ).toEqual([...SETTING_NAMES].sort());
    for (const p of policies()) expect(p.key).toBe('Software\\Policies\\NHS\\Clinical Workstation Shell');
    expect(admx).toContain('namespace="NHS.Policies.ClinicalWorkstationShell"');
  });

  it('every string and presentation the ADMX refers to is in the ADML, and every presentation control names an element', () => {
    const resources = (
      parser.parse(adml) as {
        policyDefinitionResources: {
          resources: {
            stringTable: { string: Attrs[] };
            presentationTable: { presentation: Record<string, unknown>[] };
          };
        };
      }
    ).policyDefinitionResources.resources;
    const strings = new Set(resources.stringTable.string.map((s) => s.id));
    const presentations = new Map(resources.presentationTable.presentation.map((p) => [String(p['id']), p]));
    const stringRefs = [...admx.matchAll(/\$\(string\.([^)]+)\)/g)].map((m) => m[1]);
    const presentationRefs = [...admx.matchAll(/\$\(presentation\.([^)]+)\)/g)].map((m) => m[1]);
    expect(stringRefs.length).toBeGreaterThan(SETTING_NAMES.length * 2);
    expect(stringRefs.filter((id) => !strings.has(String(id)))).toEqual([]);
    expect(presentationRefs.filter((id) => !presentations.has(String(id)))).toEqual([]);
    for (const p of policies()) {
      const ids = Object.values(p.elements ?? {}).map((e) => e?.id);
      const presentation = p.presentation
        ? presentations.get(p.presentation.replace(/^\$\(presentation\.|\)$/g, ''))
        : undefined;
      const refIds = Object.values(presentation ?? {}).flatMap((control) =>
        typeof control === 'object' && control !== null && 'refId' in control ? [String(control.refId)] : [],
      );
      expect(refIds.sort()).toEqual(ids.sort());
    }
  });

  it('what Group Policy writes from the ADMX, the Windows reader reads back as the values set', async () => {
    // Play Group Policy: for each policy, write what its ADMX element says, where it says.
    const keys = new Map<string, string[]>();
    const write = (key: string | undefined, name: string | undefined, type: string, data: string): void => {
      expect(key && name, 'every ADMX value has a key and a name').toBeTruthy();
      keys.set(String(key), [...(keys.get(String(key)) ?? []), `    ${name}    ${type}    ${data}`]);
    };
    const dword = (n: number): string => `0x${n.toString(16)}`;
    const expected: Record<string, unknown> = {};
    for (const p of policies()) {
      const name = p.name as SettingName;
      const example = CATALOGUE[name].example;
      if (p.enabledValue) {
        write(p.key, p.valueName, 'REG_DWORD', dword(Number(p.enabledValue.decimal.value)));
        expected[name] = true;
      }
      for (const [tag, el] of Object.entries(p.elements ?? {})) {
        if (!el) continue;
        if (tag === 'decimal') {
          const n = Math.min(Math.max(Number(example), Number(el.minValue)), Number(el.maxValue));
          write(el.key ?? p.key, el.valueName, 'REG_DWORD', dword(n));
          expected[name] = n;
        } else if (tag === 'enum') {
          const item = el.item?.find((i) => i.value.string === example) ?? el.item?.[0];
          write(el.key ?? p.key, el.valueName, 'REG_SZ', String(item?.value.string));
          expected[name] = item?.value.string;
        } else if (tag === 'text') {
          write(el.key ?? p.key, el.valueName, 'REG_SZ', String(example));
          expected[name] = example;
        } else if (tag === 'list') {
          expect(el.valuePrefix).toBe('');
          (example as readonly string[]).forEach((item, i) => write(el.key ?? p.key, String(i + 1), 'REG_SZ', item));
          expected[name] = example;
        } else {
          throw new Error(`The template uses an ADMX element this test does not play: ${tag}`);
        }
      }
    }
    const stdout =
      ['', ...[...keys].flatMap(([key, lines]) => [`HKEY_LOCAL_MACHINE\\${key}`, ...lines, ''])].join('\r\n') + '\r\n';
    const read = await readRegistrySource('HKLM', async () => ({ code: 0, stdout, stderr: '' }));
    const policy = resolveMachinePolicy([read], { platform: 'win32', env: {}, packaged: true });
    expect(policy.problems).toEqual([]);
    expect(Object.keys(policy.applied).sort()).toEqual([...SETTING_NAMES].sort());
    expect(MachinePolicySchema.parse(expected)).toEqual(expected);
    // Group Policy writes an on/off setting as a REG_DWORD 1 or 0.
    const dwords = Object.fromEntries(
      SETTING_NAMES.filter((n) => CATALOGUE[n].admx.element === 'boolean').map((n) => [
        n,
        expected[n] === true ? 1 : 0,
      ]),
    );
    expect(read.values).toEqual({ ...expected, ...dwords });
  });

  it('the Linux JSON and macOS plist examples are complete and valid', async () => {
    const json = JSON.parse(generated['linux/policy.json'] ?? '') as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual([...SETTING_NAMES].sort());
    expect(MachinePolicySchema.safeParse(json).success).toBe(true);
    const linux = resolveMachinePolicy([{ source: 'json', status: 'read', values: json, problems: [] }], {
      platform: 'linux',
      env: {},
      packaged: true,
    });
    expect(linux.problems).toEqual([]);
    const mac = await readPlistSource(join(root, TEMPLATES_DIR, 'macos', 'uk.nhs.clinical-workstation-shell.plist'));
    expect(resolveMachinePolicy([mac], { platform: 'darwin', env: {}, packaged: true }).problems).toEqual([]);
    expect(Object.keys(mac.values).sort()).toEqual([...SETTING_NAMES].sort());
  });
});
