/**
 * `npm run demo`: a canary release story on this machine, with no AWS account and no cluster —
 * the sandbox Kubernetes API server, the mesh traffic simulator, Prometheus (or the sandbox
 * metrics provider when the binary is absent), local mode and a Slack-compatible receiver.
 * A good version is promoted, a faulty one rolled back, and one slower than the primary under the
 * static bound rolled back by the judge. Exits 1 when any ends differently.
 * Ctrl-C stops it and still cleans up (a second Ctrl-C exits at once). See docs/demo.md.
 */
import { demoEnv } from './config.js';
import { runDemo } from './demo/run.js';

// This is an entry point: it reads its settings here (local/config.ts) and hands them down.
const { prometheusBin, trafficSeed } = demoEnv();

const stop = new AbortController();
process.once('SIGINT', () => {
  console.log('\ninterrupted: cleaning up (Ctrl-C again to exit at once)');
  stop.abort(new Error('interrupted'));
  process.once('SIGINT', () => process.exit(130));
});

try {
  const result = await runDemo({ prometheusBin, trafficSeed, signal: stop.signal });
  process.exitCode = result.ok ? 0 : 1;
} catch (e) {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
