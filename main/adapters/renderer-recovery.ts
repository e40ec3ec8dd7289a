/**
 * When a crashed renderer is reloaded, and what a failed load says: pure, so the window factory
 * (windows.ts) stays about windows.
 */

/** Renderer crashes within this window stop the reload loop (a renderer that dies on load). */
export const reloadWindowMs = 60_000;
export const maxReloadsPerWindow = 3;

/** Pure: keep the recent crash times; reload only while under the cap. */
export function crashDecision(previous: readonly number[], now: number): { reload: boolean; crashes: number[] } {
  const crashes = [...previous.filter((t) => now - t < reloadWindowMs), now];
  return { reload: crashes.length <= maxReloadsPerWindow, crashes };
}

/** Pure: the loadURL rejection's net error code (lib/browser/api/web-contents.ts sets `errno`), or null. */
export function loadErrorCode(error: unknown): number | null {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? errno : null;
}
