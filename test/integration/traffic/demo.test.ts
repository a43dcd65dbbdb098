/**
 * `npm run demo` end to end: sandbox, traffic simulator, Prometheus (or the sandbox metrics
 * provider when the binary is absent), local mode and a Slack receiver. A good release must be
 * promoted, a faulty one rolled back, and one slower than the primary but under the static latency
 * bound rolled back by the judge alone. Takes about two minutes (more on a busy machine: nothing
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
    expect(
      formatProgress({
        phase: 'Failed',
        canaryWeight: 0,
        failedChecks: 0,
        lastStep: {
          reason: 'JudgeFailed',
          checks: [{ name: 'request-duration', verdict: 'pass', value: 230 }],
          judgements: [
            {
              metric: 'request-success-rate',
              verdict: 'inconclusive',
              effect: { unit: 'pp', estimate: 0.02 },
            },
            { metric: 'request-duration', verdict: 'fail', effect: { unit: 'ratio', estimate: 2.834 } },
          ],
        },
      }),
    ).toMatch(
      /JudgeFailed {2}\| request-duration 230 ✓ {2}\| judge: request-success-rate \+0\.0pp \?, request-duration ×2\.83 ✗$/,
    );
  });

  it('promotes the good release, rolls back the faulty one, and the judge rolls back the slow one', async () => {
    const result = await runDemo({ quiet: true });
    expect(result.phases).toEqual(['Succeeded', 'Failed', 'Failed']);
    expect(result.ok).toBe(true);
    expect(result.releases[1].phases).toContain('Progressing');
    // The demo returns once each release's last step has been notified (it waits on local mode's
    // event bus, not on the clock): the judge's rollback of the slow version is the last message.
    const texts = result.slackMessages.map((m) => m.text);
    expect(texts.at(-1)).toMatch(
      /^Rolled back: podinfo\.test — Canary judged against the primary: request-duration: fail/,
    );
    expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(/^Promoted: podinfo\.test/)]));
    const reasons = result.history.map((h) => h.reason);
    expect(reasons).toEqual(expect.arrayContaining(['CanaryWeightIncreased', 'Promoted', 'JudgeFailed']));
    // The slow version's static latency check passed on the step the judge rolled it back.
    const last = result.history.at(-1)!;
    expect(last.reason).toBe('JudgeFailed');
    const checks = (last as unknown as { checks: { name: string; verdict: string }[] }).checks;
    expect(checks.find((c) => c.name === 'request-duration')?.verdict).toBe('pass');
  }, 300_000);
});
