// The syslog sink never throws into the shell: options Node refuses outright (here, a connect that
// throws as tls.connect does for options it cannot use) are reported, the lines wait in the
// queue, and it tries again later; a line that is not an audit line is never queued.
import { expect, it } from 'vitest';
import { SyslogTlsSink } from '../../../main/services/audit-sinks/syslog-tls';

it('reports a connection it cannot even start, keeps the lines, and tries again', async () => {
  const problems: string[] = [];
  let attempts = 0;
  const sink = new SyslogTlsSink({
    host: 'siem.trust.nhs.uk',
    port: 6514,
    minRetryMs: 10,
    connect: () => {
      attempts += 1;
      throw Object.assign(new Error('bad options'), { code: 'ERR_OSSL_PEM_NO_START_LINE' });
    },
    onProblem: (cause) => problems.push(cause),
  });
  expect(() => sink.write('{"level":30,"audit":true,"event":"signout","msg":"x"}\n')).not.toThrow();
  sink.write('{"level":30,"event":"diagnostic","msg":"not audit"}\n');
  sink.write('not json at all\n');
  expect(sink.stats()).toEqual({ dropped: 0, queued: 1, connected: false });
  for (let i = 0; i < 400 && attempts < 2; i += 1) await new Promise((r) => setTimeout(r, 10));
  await sink.close();
  expect(attempts).toBeGreaterThanOrEqual(2);
  expect(problems[0]).toBe('ERR_OSSL_PEM_NO_START_LINE');
});
