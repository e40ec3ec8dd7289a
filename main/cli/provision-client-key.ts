// Admin command from the source tree, the same as the installed shell's verb
// (main/services/client-key/provision.ts): put the CIS2 private_key_jwt key where the shell reads it.
//   npx tsx main/cli/provision-client-key.ts <key-file> [--service NAME] [--account NAME] [--per-user]
//   npx tsx main/cli/provision-client-key.ts --remove [--service NAME] [--account NAME] [--per-user]
// Machine-wide by default (run it elevated, or with sudo); the key is never printed.
import { clientKeyCommandIn, runClientKeyCommandHere } from '../services/client-key/provision';

const args = process.argv.slice(2);
// The script's own spelling (a bare file, --remove) as the verb's.
const [first] = args;
const verbArgs =
  first === '--remove'
    ? ['--remove-client-key', ...args.slice(1)]
    : first !== undefined && !first.startsWith('--')
      ? ['--provision-client-key', ...args]
      : args;
const command = clientKeyCommandIn(verbArgs) ?? {
  verb: 'usage' as const,
  problem: 'Give the path of the key file, or --remove.',
};

runClientKeyCommandHere(command, process.platform).then(
  (code) => process.exit(code),
  () => {
    process.stderr.write('The client key could not be provisioned; nothing was stored.\n');
    process.exit(1);
  },
);
