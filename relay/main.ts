// The relay's entry point: one back-channel logout replica, configured from RELAY_* environment
// variables or the JSON file named by RELAY_CONFIG (docs/relay.md). Without RELAY_REDIS_URL it
// keeps everything in memory: the default for a single machine and for development.
//
// In production this file is bundled (`npm run build:relay`) and started as
// `node dist/relay/main.mjs` by the container image and the systemd unit (relay/deploy/); in
// development `npm run relay` runs it through tsx's loader inside the same node process, so the
// signals below reach it directly.
//
// SIGTERM or SIGINT stops it cleanly (relay.ts, shutdown.ts): workstations closed with 1001,
// in-flight POSTs answered, the listener and Redis closed, exit 0. If that takes longer than
// STOP_LIMIT_MS the process exits 1 anyway, inside the 15 s systemd and the image allow.
import process from 'node:process';
import { RelayConfigError, loadRelayConfig } from './config';
import { startRelay } from './relay';

const STOP_LIMIT_MS = 9_000;

let relay;
try {
  relay = await startRelay(loadRelayConfig());
} catch (err) {
  if (err instanceof RelayConfigError) {
    process.stderr.write(`relay: not started.\n${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
process.stdout.write(`relay: ${relay.url}\n`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`relay: ${signal}, stopping\n`);
  setTimeout(() => {
    process.stderr.write(`relay: not stopped within ${STOP_LIMIT_MS} ms; exiting\n`);
    process.exit(1);
  }, STOP_LIMIT_MS).unref();
  relay.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
