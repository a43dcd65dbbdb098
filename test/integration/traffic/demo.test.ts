/**
 * `npm run demo` end to end: sandbox, traffic simulator, Prometheus (or the sandbox metrics
 * provider when the binary is absent), local mode and a Slack receiver. A good release must be
 * promoted and a faulty one rolled back. Takes about two minutes (more on a busy machine: nothing
 * here waits for a fixed time).
 */
import { describe, expect, it } from 'vitest';
import { formatProgress, weightBar } from '../../../local/demo/progress.js';
import { runDemo } from '../../../local/demo/run.js';

describe('the demo', () => {
  it('draws the weight bar and a progress line', () => {
    expect(weightBar(40, 10)).toBe('[████░░░░░░]  40%');
    expect(
      formatProgress({
        phase: 'Progressing',
        canaryWeight: 20,
        failedChecks: 1,
        lastStep: {
          reason: 'CheckFailed',
          checks: [{ name: 'request-success-rate', verdict: 'fail', value: 70.2 }],
        },
      }),
    ).toContain('failed 1  CheckFailed  | request-success-rate 70.2 ✗');
  });

  it('promotes the good release, then rolls back the faulty one', async () => {
    const result = await runDemo({ quiet: true });
    expect(result.phases).toEqual(['Succeeded', 'Failed']);
    expect(result.ok).toBe(true);
    expect(result.releases[1].phases).toContain('Progressing');
    // The demo returns once each release's last step has been notified (it waits on local mode's
    // event bus, not on the clock): the rollback is the last message, after the promotion.
    const texts = result.slackMessages.map((m) => m.text);
    expect(texts.at(-1)).toMatch(/^Rolled back: podinfo\.test/);
    expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(/^Promoted: podinfo\.test/)]));
    const reasons = result.history.map((h) => h.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['CanaryWeightIncreased', 'Promoted', 'RollbackThresholdReached']),
    );
  }, 300_000);
});
