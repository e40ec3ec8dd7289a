import { describe, expect, it } from 'vitest';
import { localDataFolder } from '../../main/adapters/data-folder';

const roaming = 'C:\\Users\\nurse\\AppData\\Roaming\\Clinical Workstation Shell';
const home = 'C:\\Users\\nurse';
const on = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv, userData = roaming) =>
  localDataFolder({ platform, env, userData, home });

describe('issue 13: the data folder is not in a roaming profile', () => {
  it('Windows: %LOCALAPPDATA% with the same folder name as the roaming default', () => {
    expect(on('win32', { LOCALAPPDATA: 'C:\\Users\\nurse\\AppData\\Local' })).toEqual({
      folder: 'C:\\Users\\nurse\\AppData\\Local\\Clinical Workstation Shell',
      source: 'LOCALAPPDATA',
    });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['relative', 'AppData\\Local'],
    ['a UNC share (a network copy again)', '\\\\profiles\\nurse\\AppData\\Local'],
    ['a device path', '\\\\?\\C:\\Users\\nurse\\AppData\\Local'],
    ['climbing out with ..', 'C:\\Users\\nurse\\..\\Public'],
    ['holding NUL', 'C:\\Users\\nurse\\AppData\\Local\0x'],
  ])('Windows: %s LOCALAPPDATA falls back to <home>\\AppData\\Local, never the roaming folder', (_, value) => {
    const env: NodeJS.ProcessEnv = value === undefined ? {} : { LOCALAPPDATA: value };
    expect(on('win32', env)).toEqual({
      folder: 'C:\\Users\\nurse\\AppData\\Local\\Clinical Workstation Shell',
      source: 'home',
    });
  });

  it.each([['darwin'], ['linux']] as const)("%s keeps Electron's default", (platform) => {
    expect(on(platform, { LOCALAPPDATA: 'C:\\x' }, '/home/nurse/.config/Clinical Workstation Shell')).toEqual({
      folder: '/home/nurse/.config/Clinical Workstation Shell',
      source: 'default',
    });
  });
});
