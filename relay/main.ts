// `npm run relay`: one back-channel logout relay replica, configured from RELAY_* environment
// variables or the JSON file named by RELAY_CONFIG (docs/relay.md). Without RELAY_REDIS_URL it
// keeps everything in memory: the default for a single machine and for development.
import { RelayConfigError, loadRelayConfig } from './config';
import { startRelay } from './relay';

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

const stop = (): void => {
  void relay.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
