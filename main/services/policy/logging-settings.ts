/**
 * The audit log's settings (Logging group): where it is written and how much it records. In the
 * catalogue (catalogue.ts spreads them in) like every other group.
 */
import * as z from 'zod';
import type { SettingSpec } from './setting-spec';

/** An absolute folder: C:\..., \\server\share\... or /... (the platform check is in machine-policy). */
const absoluteFolder = z
  .string()
  .max(260)
  .regex(/^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+|\/)/, 'must be an absolute folder path');

export const loggingSettings = {
  LogFolder: {
    displayName: 'Audit log folder',
    group: 'Logging',
    registry: 'REG_SZ',
    schema: absoluteFolder,
    admx: { element: 'text', maxLength: 260 },
    default: "the app's own log folder",
    range: 'an absolute folder path',
    description:
      "Folder for the audit log; each Windows account writes its own subfolder, so let accounts create folders there but not change each other's.",
    rule: 'Audit log kept where IT collects it; it never holds tokens, codes or note text.',
    example: 'C:\\ProgramData\\Clinical Workstation Shell\\logs',
  },
  LogLevel: {
    displayName: 'Audit log detail',
    group: 'Logging',
    registry: 'REG_SZ',
    schema: z.enum(['error', 'warn', 'info', 'debug']),
    admx: { element: 'enum', items: ['error', 'warn', 'info', 'debug'] },
    default: 'info',
    range: 'error, warn, info, debug',
    description: 'How much the audit log records.',
    rule: 'Audit log: every level keeps tokens, codes and note text out.',
    example: 'info',
  },
} as const satisfies Record<string, SettingSpec>;
