// Issue 24, item 11: in a production build the presence sources read no bus address or session id
// from the environment (which the clinician's account can set): fixed system paths, logind's name
// owned by root. The rule is pure; the owner check runs against a real dbus-daemon in logind.test.ts.
import { describe, expect, it } from 'vitest';
import { FIXED_SYSTEM_BUS, presenceEnvironment } from '../../../main/services/presence/trusted-env';
import { sessionBusAddress, systemBusAddress } from '../../../main/platform/dbus';

const planted = {
  DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/home/ward/.fake/system',
  DBUS_SESSION_BUS_ADDRESS: 'unix:path=/home/ward/.fake/session',
  XDG_RUNTIME_DIR: '/home/ward/.fake',
  XDG_SESSION_ID: 'c99',
  PATH: '/usr/bin',
};

describe('where the presence sources look (issue 24, item 11)', () => {
  it('production: the fixed system bus and systemd user bus, no session id, logind owned by uid 0', () => {
    const { env, logindOwnerUid } = presenceEnvironment(planted, { production: true, uid: 1000 });
    expect(systemBusAddress(env)).toBe(FIXED_SYSTEM_BUS);
    expect(FIXED_SYSTEM_BUS).toBe('unix:path=/run/dbus/system_bus_socket');
    expect(sessionBusAddress(env)).toBe('unix:path=/run/user/1000/bus');
    expect(env['XDG_SESSION_ID']).toBeUndefined();
    expect(Object.values(env).join(' ')).not.toContain('.fake');
    expect(logindOwnerUid).toBe(0);
  });

  it("production without a uid (not POSIX): no session bus at all rather than the environment's", () => {
    const { env } = presenceEnvironment(planted, { production: true, uid: undefined });
    expect(sessionBusAddress(env)).toBeNull();
    expect(systemBusAddress(env)).toBe(FIXED_SYSTEM_BUS);
  });

  it("development: the environment as it is (the tests' private buses), and no owner check", () => {
    const { env, logindOwnerUid } = presenceEnvironment(planted, { production: false, uid: 1000 });
    expect(env).toBe(planted);
    expect(logindOwnerUid).toBeUndefined();
  });
});
