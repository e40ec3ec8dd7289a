/**
 * Platform: the Windows Event Log, through advapi32's RegisterEventSourceW, ReportEventW and
 * DeregisterEventSource (winbase.h) over koffi, as wts.ts and pcsc.ts make their calls. The
 * source is registered by the MSI (docs/audit-log.md, "Windows Event Log"); an unregistered one
 * still writes to the Application log, only Event Viewer then cannot show the text. Loaded on
 * Windows only, when first needed.
 */
import type Koffi from 'koffi';
import { createRequire } from 'node:module';

export interface EventLogApi {
  /** ReportEventW with one insertion string; true when Windows accepted it. Never throws. */
  report(type: number, eventId: number, text: string): boolean;
  close(): void;
}

/** A handle on `source` in the local Application log, or null when it cannot be had. */
export function openEventLog(source: string): EventLogApi | null {
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const advapi32 = koffi.load('advapi32.dll');
    const registerFn = advapi32.func(
      'void * __stdcall RegisterEventSourceW(const char16_t *lpUNCServerName, const char16_t *lpSourceName)',
    );
    const reportFn = advapi32.func(
      'int __stdcall ReportEventW(void *hEventLog, uint16_t wType, uint16_t wCategory, uint32_t dwEventID, void *lpUserSid, uint16_t wNumStrings, uint32_t dwDataSize, const char16_t **lpStrings, void *lpRawData)',
    );
    const deregisterFn = advapi32.func('int __stdcall DeregisterEventSource(void *hEventLog)');
    const handle: unknown = registerFn(null, source);
    if (handle === null) return null;
    let open = true;
    return {
      report(type, eventId, text) {
        if (!open) return false;
        try {
          return reportFn(handle, type, 0, eventId, null, 1, 0, [text], null) !== 0;
        } catch {
          return false;
        }
      },
      close() {
        if (open) deregisterFn(handle);
        open = false;
      },
    };
  } catch {
    return null;
  }
}
