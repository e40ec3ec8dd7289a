import { describe, expect, it } from 'vitest';
import {
  dangerousSwitches,
  environmentRefused,
  environmentToRemove,
  refusedSwitches,
  switchName,
} from '../../main/core/launch-switches';

const exe = 'Clinical Workstation Shell.exe';
const on = (platform: string, ...args: string[]) => dangerousSwitches([exe, ...args], platform);

describe('dangerous launch switches (issue 13, item 5)', () => {
  it.each([
    [['--remote-debugging-port=9222'], ['remote-debugging-port']],
    [['--remote-debugging-port', '9222'], ['remote-debugging-port']],
    [['--remote-debugging-pipe'], ['remote-debugging-pipe']],
    [['--remote-allow-origins=*'], ['remote-allow-origins']],
    [['--inspect'], ['inspect']],
    [['--inspect-brk'], ['inspect-brk']],
    [['--inspect=0'], ['inspect']],
    [['--inspect-port=0'], ['inspect-port']],
    [['--inspect-brk-node=9229'], ['inspect-brk-node']],
    [['--inspect-something-new'], ['inspect-something-new']],
    [['--js-flags=--expose-gc'], ['js-flags']],
    [['--no-sandbox'], ['no-sandbox']],
    [['--disable-gpu-sandbox'], ['disable-gpu-sandbox']],
    [['--user-data-dir=D:\\elsewhere'], ['user-data-dir']],
    [['--disable-web-security'], ['disable-web-security']],
    [['--ignore-certificate-errors'], ['ignore-certificate-errors']],
    [['-remote-debugging-port=9222'], ['remote-debugging-port']],
    [['--', '--inspect'], ['inspect']],
    [
      ['--no-sandbox', '--no-sandbox', '--inspect'],
      ['no-sandbox', 'inspect'],
    ],
  ])('refuses %j', (args, expected) => {
    for (const platform of ['win32', 'darwin', 'linux']) expect(on(platform, ...args), platform).toEqual(expected);
  });

  it('refuses upper-case spellings everywhere (Chromium lowercases switch names on Windows)', () => {
    for (const platform of ['win32', 'darwin', 'linux']) {
      expect(on(platform, '--REMOTE-DEBUGGING-PORT=9222'), platform).toEqual(['remote-debugging-port']);
      expect(on(platform, '--Inspect-Brk'), platform).toEqual(['inspect-brk']);
    }
  });

  it('reads /switch as a switch on Windows only, as Chromium does', () => {
    expect(on('win32', '/remote-debugging-port=9222')).toEqual(['remote-debugging-port']);
    expect(on('linux', '/remote-debugging-port=9222')).toEqual([]);
  });

  it('allows what the shell and IT use: no switch, its own crash-relaunch switch, proxy settings, plain arguments', () => {
    for (const platform of ['win32', 'darwin', 'linux']) {
      expect(on(platform), platform).toEqual([]);
      expect(
        on(
          platform,
          '--cws-crash-times=1,2,3',
          '--proxy-server=http://proxy.nhs.example:8080',
          '--proxy-pac-url=http://wpad/wpad.dat',
          'inspect',
          'no-sandbox',
          '--lang=en-GB',
        ),
        platform,
      ).toEqual([]);
    }
  });

  it('never reads the executable as a switch', () => {
    expect(dangerousSwitches(['--inspect'], 'win32')).toEqual([]);
  });

  it('names every listed switch as refused', () => {
    for (const name of refusedSwitches) expect(on('linux', `--${name}`), name).toEqual([name]);
    expect(switchName('--', 'linux')).toBeNull();
    expect(switchName('-', 'linux')).toBeNull();
  });
});

describe('switches and variables that would put tokens or TLS keys on disk (issue 24)', () => {
  it('refuses the net log, the TLS key log and Chromium’s own logging, however they are spelt', () => {
    expect(on('linux', '--log-net-log=net.json', '--net-log-capture-mode=Everything')).toEqual([
      'log-net-log',
      'net-log-capture-mode',
    ]);
    expect(on('linux', '--net-log-max-size=100')).toEqual(['net-log-max-size']);
    expect(on('win32', '/SSL-Key-Log-File=keys.txt')).toEqual(['ssl-key-log-file']);
    expect(on('darwin', '--enable-logging=stderr', '--v=1', '--vmodule=*/net/*=2', '--log-file=x')).toEqual([
      'enable-logging',
      'v',
      'vmodule',
      'log-file',
    ]);
  });

  it('still lets the proxy and language switches through', () => {
    expect(on('linux', '--proxy-server=http://proxy:8080', '--lang=en-GB', '--log-level=0')).toEqual([]);
  });

  it('removes SSLKEYLOGFILE whenever it is set, even empty, and nothing else', () => {
    expect(environmentToRemove({ SSLKEYLOGFILE: 'keys.txt', PATH: 'bin' })).toEqual(['SSLKEYLOGFILE']);
    expect(environmentToRemove({ SSLKEYLOGFILE: '' })).toEqual(['SSLKEYLOGFILE']);
    expect(environmentToRemove({ PATH: 'bin', SSLKEYLOG: 'x' })).toEqual([]);
  });

  it('production builds also remove PCSCLITE_CSOCK_NAME (pcscd socket); development builds keep it for the tests', () => {
    const env = { PCSCLITE_CSOCK_NAME: '/run/user/1000/fake-pcscd.comm', SSLKEYLOGFILE: 'k' };
    expect(environmentToRemove(env, true)).toEqual(['SSLKEYLOGFILE', 'PCSCLITE_CSOCK_NAME']);
    expect(environmentToRemove(env, false)).toEqual(['SSLKEYLOGFILE']);
    expect(environmentToRemove(env)).toEqual(['SSLKEYLOGFILE']);
  });

  it('a production build refuses ELECTRON_ENABLE_LOGGING and ELECTRON_LOG_FILE whatever their value; development allows them', () => {
    expect(environmentRefused({ ELECTRON_ENABLE_LOGGING: '1', PATH: 'bin' }, true)).toEqual([
      'ELECTRON_ENABLE_LOGGING',
    ]);
    expect(environmentRefused({ ELECTRON_ENABLE_LOGGING: '', ELECTRON_LOG_FILE: 'x.log' }, true)).toEqual([
      'ELECTRON_ENABLE_LOGGING',
      'ELECTRON_LOG_FILE',
    ]);
    expect(environmentRefused({ ELECTRON_ENABLE_LOGGING: '1', ELECTRON_LOG_FILE: 'x.log' }, false)).toEqual([]);
    expect(environmentRefused({ ELECTRON_LOGGING: '1', PATH: 'bin' }, true)).toEqual([]);
  });
});
