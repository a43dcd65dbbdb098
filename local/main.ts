/**
 * `npm start` — local mode: the API on a loopback port (PORT or --port, default 8080) behind a
 * bearer token (FLAGGER_API_TOKEN, else one is generated and printed), state on disk under the
 * data directory, clusters from the local kubeconfig (KUBECONFIG or ~/.kube/config, current
 * context) and, with `--sandbox`, an embedded sandbox cluster with podinfo, traffic, metrics and
 * the podinfo canary (local/sandbox.ts), after which it prints the commands that make a release.
 * `--help` prints every option (local/options.ts); a usage error exits 64, a failed start 1, both
 * with one line and no stack trace.
 */
import { localModeEnv } from './config.js';
import { parseOptions, UsageError, USAGE, type LocalOptions } from './options.js';

const env = localModeEnv();
let options: LocalOptions;
try {
  options = parseOptions(process.argv.slice(2), env, process.cwd());
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`npm start: ${e.message}\n\n${USAGE}`);
  process.exit(64);
}
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
// Loaded only now, so that --help and usage errors answer without loading the control plane.
const { runLocalMode } = await import('./local-mode.js');
// On success it keeps running until a signal; a failed start may leave a handle open: exit.
if ((await runLocalMode(options, env)) !== 0) process.exit(1);
