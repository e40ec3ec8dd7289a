/**
 * The main process runs for a whole 12-hour shift and is idle most of it. V8 doubles its young
 * generation (the semi-spaces) whenever a burst of allocation survives a scavenge, up to 16 MB
 * each, and keeps the grown size: a clinician's note growing to tens of thousands of characters,
 * saved every minute, is such a burst, and the process then holds about 12 MB it no longer uses
 * until it exits (docs/benchmarks.md, "services memory after a 12-hour shift").
 *
 * A growth factor of 1 keeps the semi-spaces at their starting size: scavenges come a little more
 * often, each over a smaller space, which costs nothing a clinician can notice in a process that
 * handles a few events a second. V8 reads the factor each time it considers growing, so setting
 * it at start-up works after the heap exists (unlike --max-semi-space-size, which is fixed when
 * the heap is configured and, in Electron's main process, cannot be passed on the command line
 * of a shell started by a Start-menu shortcut).
 */
import { setFlagsFromString } from 'node:v8';

export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/** Call once, first thing in the composition root. */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString(YOUNG_GENERATION_FLAG);
}
