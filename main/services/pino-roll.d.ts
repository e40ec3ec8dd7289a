// pino-roll ships no type definitions; this declares the surface logger.ts uses (pino-roll 4).
declare module 'pino-roll' {
  import type { SonicBoom, SonicBoomOpts } from 'sonic-boom';

  export interface PinoRollOptions extends Omit<SonicBoomOpts, 'dest'> {
    /** Base path; rotated files are `<file>.<date>.<n><extension>`. */
    file: string;
    /** Rotate at this size: a number of MB, or a string with a unit (`b`, `k`, `m`, `g`). */
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    dateFormat?: string;
    /** Keep `count` files besides the current one; `removeOtherLogFiles` counts earlier runs' files too. */
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<SonicBoom>;
}
