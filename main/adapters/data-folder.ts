/**
 * Where the shell keeps its data (drafts, logs, the naming key's companions, Chromium's own
 * files): on this PC only, never in a roaming profile.
 *
 * Electron's `userData` is `appData/<name>`, and on Windows `appData` is `%APPDATA%`, the
 * *Roaming* folder: copied to the trust's profile servers at sign-out (and into their backups),
 * and often redirected to a network share. Electron 45's `app.getPath` has no name for the
 * non-roaming folder (`%LOCALAPPDATA%`; electron.d.ts lists home, appData, userData,
 * sessionData, temp, …), so on Windows it is read from `LOCALAPPDATA`, accepted only as a local
 * absolute drive path (`C:\…`: never a UNC share, which would be a network copy again), with
 * `<home>\AppData\Local` as the fallback (the folder Windows itself uses). Windows never roams or
 * redirects `AppData\Local`. macOS (`~/Library/Application Support`) and Linux (`~/.config`)
 * have no roaming profile of their own and keep Electron's default.
 *
 * It must be set before 'ready' (Electron's app docs, `app.setPath`: sessionData, and with it
 * Chromium's files, follow userData only if it is overridden before 'ready') and before the
 * single-instance lock, which Chromium keys on the user data folder.
 */
import { mkdirSync } from 'node:fs';
import { basename, win32 } from 'node:path';

export interface DataFolderApp {
  getPath(name: 'userData' | 'home'): string;
  setPath(name: 'userData', path: string): void;
}

export interface LocalDataFolder {
  folder: string;
  /** Where the folder came from: the variable, the fallback, or Electron's default (not Windows). */
  source: 'LOCALAPPDATA' | 'home' | 'default';
}

/** A local absolute Windows drive path: `X:\…`; no UNC share, no device path, no `..`, no NUL. */
function isLocalDrivePath(value: string | undefined): value is string {
  return (
    value !== undefined && /^[A-Za-z]:\\/.test(value) && !value.includes('\0') && !value.split(/[\\/]/).includes('..')
  );
}

/** The non-roaming data folder for this platform. Pure: the tests run it for every platform. */
export function localDataFolder(input: {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  userData: string;
  home: string;
}): LocalDataFolder {
  if (input.platform !== 'win32') return { folder: input.userData, source: 'default' };
  // The same folder name Electron would have used under the roaming folder.
  const name = win32.basename(input.userData) || basename(input.userData);
  const local = input.env['LOCALAPPDATA'];
  if (isLocalDrivePath(local)) return { folder: win32.join(local, name), source: 'LOCALAPPDATA' };
  return { folder: win32.join(input.home, 'AppData', 'Local', name), source: 'home' };
}

/** Points userData at the non-roaming folder (created if missing, as app.setPath asks). */
export function useLocalDataFolder(
  app: DataFolderApp,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  makeFolder: (folder: string) => void = (folder) => void mkdirSync(folder, { recursive: true }),
): LocalDataFolder {
  const chosen = localDataFolder({ platform, env, userData: app.getPath('userData'), home: app.getPath('home') });
  if (chosen.source === 'default') return chosen;
  makeFolder(chosen.folder);
  app.setPath('userData', chosen.folder);
  return chosen;
}
