/**
 * `npm run demo`: a canary release story on this machine, with no AWS account and no cluster —
 * the sandbox Kubernetes API server, the mesh traffic simulator, Prometheus (or the sandbox
 * metrics provider when the binary is absent), local mode and a Slack-compatible receiver.
 * A good version is promoted, a faulty one rolled back. Exits 1 when either ends differently.
 * See docs/demo.md.
 */
import { runDemo } from './demo/run.js';

const controller = { exiting: false };
process.once('SIGINT', () => {
  // runDemo cleans up in its finally block; a second Ctrl-C exits at once.
  controller.exiting = true;
  process.once('SIGINT', () => process.exit(130));
});

try {
  const result = await runDemo({ prometheusBin: process.env.PROMETHEUS_BIN || undefined });
  process.exitCode = result.ok ? 0 : 1;
} catch (e) {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
