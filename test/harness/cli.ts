/**
 * `npm run harness`: the shell's real services and renderer, for a person to try in a
 * browser. Open the printed page; drive time and OS events with the control API
 * (docs/harness.md), e.g. advance 15 minutes of idle time with
 *   curl -XPOST -H "authorization: Bearer $SECRET" -d '{"ms":900000}' $ORIGIN/control/clock/advance
 */
import { startHarness } from './harness';

const port = Number(process.env.HARNESS_PORT ?? 0);
// HARNESS_SMARTCARD=1: a simulated smartcard reader, moved with /control/smartcard/* (docs/harness.md).
const smartcard = process.env.HARNESS_SMARTCARD === '1' ? { smartcard: { pcsc: 'simulated' as const } } : {};
const harness = await startHarness({ port, logLevel: 'info', ...smartcard });
console.log(`page: ${harness.pageUrl}`);
console.log(`control: ${harness.origin}/control/  (header: authorization: Bearer ${harness.secret})`);
console.log(`sandbox issuer: ${harness.sandbox.issuer}`);
console.log(`drafts protected by: ${harness.secretStoreKind}`);
const stop = (): void => {
  void harness.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
