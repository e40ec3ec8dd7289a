// electron-builder `msiProjectCreated` hook (electron-builder.yml): adds to the MSI the Windows
// Event Log source the shell's audit sink writes under (AuditToEventLog, docs/audit-log.md,
// "Windows Event Log"). Registering a source needs administrator rights, which the per-machine
// MSI has and the shell, run by a ward account, does not.
//
//   HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\Clinical Workstation Shell
//     EventMessageFile (REG_EXPAND_SZ) = %SystemRoot%\System32\EventCreate.exe
//     TypesSupported   (REG_DWORD)     = 7 (error, warning, information)
//
// EventCreate.exe is Windows' own: its message table has "%1" for every event ID from 1 to 1000,
// so Event Viewer shows the shell's text with no message DLL of ours to build, sign and keep in
// step (docs/decisions.md 34). The values belong to a component of their own with a fixed GUID,
// so an upgrade keeps them and an uninstall removes them.
import { readFile, writeFile } from 'node:fs/promises';

/** Must equal EVENT_SOURCE in main/services/audit-sinks/event-log-format.ts (a test checks). */
export const eventSourceName = 'Clinical Workstation Shell';
export const eventSourceKey = `SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\${eventSourceName}`;
const componentGuid = '{6D1E4B0A-3C2F-4E8B-9A57-2F0C8D9B1E43}';

/** Where electron-builder's MSI template lists the product's components. */
const anchor = '<ComponentGroup Id="ProductComponents" Directory="APPLICATIONFOLDER">';

export function eventSourceComponent() {
  return [
    `<Component Id="EventLogSource" Guid="${componentGuid}">`,
    `  <RegistryKey Root="HKLM" Key="${eventSourceKey}">`,
    '    <RegistryValue Name="EventMessageFile" Type="expandable" Value="%SystemRoot%\\System32\\EventCreate.exe" KeyPath="yes"/>',
    '    <RegistryValue Name="TypesSupported" Type="integer" Value="7"/>',
    '  </RegistryKey>',
    '</Component>',
  ].join('\n');
}

/** The WiX project with the event source's component added to the product's components. */
export function withEventSource(wxs) {
  const at = wxs.indexOf(anchor);
  if (at < 0 || wxs.indexOf(anchor, at + 1) >= 0)
    throw new Error(
      `The MSI project has no single ${anchor}: electron-builder's template changed; update scripts/msi-event-source.mjs.`,
    );
  const end = at + anchor.length;
  return `${wxs.slice(0, end)}\n${eventSourceComponent()}${wxs.slice(end)}`;
}

/** electron-builder calls this with the path of the project.wxs it is about to compile. */
export async function msiProjectCreated(projectFile) {
  await writeFile(projectFile, withEventSource(await readFile(projectFile, 'utf8')));
}
