// The MSI registers the Event Log source the audit sink writes under: electron-builder's own MSI
// template, as its msiProjectCreated hook (scripts/msi-event-source.mjs) changes it, holds one
// component with the registry values Windows reads for the source, under the name the shell uses.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '../../main/services/audit-sinks/event-log-format';
import { eventSourceName, withEventSource } from '../../scripts/msi-event-source.mjs';
import { readRawConfig } from './builder-config';

const template = readFileSync(
  path.resolve(import.meta.dirname, '../../node_modules/app-builder-lib/templates/msi/template.xml'),
  'utf8',
);

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v === undefined ? [] : [v as Node]);

describe('the MSI registers the Event Log source', () => {
  it('is electron-builder.yml msiProjectCreated hook', async () => {
    expect((await readRawConfig()).msiProjectCreated).toBe('./scripts/msi-event-source.mjs');
  });

  it('adds one component to the product, with EventMessageFile and TypesSupported under the source key', () => {
    // The template's {{ }} lines are not XML; only the product's components are read.
    const changed = withEventSource(template);
    const group = /<ComponentGroup Id="ProductComponents"[\s\S]*?<\/ComponentGroup>/.exec(changed)?.[0] ?? '';
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      group.replace('{{-files}}', ''),
    ) as { ComponentGroup: { Component: Node } };
    const component = parsed.ComponentGroup.Component;
    expect(component['Id']).toBe('EventLogSource');
    expect(component['Guid']).toMatch(/^\{[0-9A-F-]{36}\}$/);
    const key = component['RegistryKey'] as Node;
    expect(key).toMatchObject({
      Root: 'HKLM',
      Key: `SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\${EVENT_SOURCE}`,
    });
    const values = Object.fromEntries(list(key['RegistryValue']).map((v) => [v['Name'], v]));
    expect(values['EventMessageFile']).toMatchObject({
      Type: 'expandable',
      Value: '%SystemRoot%\\System32\\EventCreate.exe',
      KeyPath: 'yes',
    });
    expect(values['TypesSupported']).toMatchObject({ Type: 'integer', Value: '7' });
    expect(eventSourceName).toBe(EVENT_SOURCE);
  });

  it('refuses a template it cannot find its place in, rather than build an MSI without the source', () => {
    expect(() => withEventSource('<Wix/>')).toThrow(/template changed/);
  });
});
