/**
 * The promotion's steps through runStep on fakes (lib/domain/reads.ts): the step that promotes reads
 * the configs and keeps their stamps, the steps after it read the target without its configs and
 * the one in between does not reconcile, and the idle canary the promotion leaves records the kept
 * stamps as seen, so a config changed meanwhile wakes it at the next sweep.
 */
import { describe, expect, it } from 'vitest';
import { aCanary } from '../../support/builders.js';
import { anAppWorld, initialized, key, nextStep, phases, stepUntil } from './harness.js';

const TARGET = 'apps/v1/deployments/test/podinfo';
const CM = 'v1/configmaps/test/podinfo-env';

describe('runStep: what the promotion reads', () => {
  it('reads the configs once, reconciles at its ends only, and the idle canary sees them as read', async () => {
    const w = anAppWorld();
    w.step.idleReconcileMs = 600_000;
    await initialized(w, aCanary());
    w.cluster.workloads.target!.revision = 'rev-2';
    w.cluster.stamps = { [TARGET]: 'g2', [CM]: 'r5' };

    expect(phases(await stepUntil(w, ['Promoting'])).at(-1)).toBe('Promoting');
    expect(w.store.peek(key)!.status.configStamps).toEqual({ [CM]: 'r5' });

    // What the later steps touch: the target (they do not read the configs).
    w.cluster.stamps = { [TARGET]: 'g3' };
    const revisions = w.cluster.workloads.calls.count('revision');
    const bootstraps = () => w.cluster.workloads.calls.count('bootstrap');
    const before = bootstraps();
    expect(phases([await nextStep(w)])).toEqual(['Finalising']);
    const between = bootstraps();
    expect(phases([await nextStep(w)])).toEqual(['Succeeded']);

    const opts = w.cluster.workloads.calls
      .args('revision')
      .slice(revisions)
      .map(([, o]) => o);
    expect(opts).toEqual([{ configs: false }, { configs: false }]);
    // The base reconciliation (bootstrap first) ran in the last step only.
    expect([between - before, bootstraps() - between]).toEqual([0, 1]);
    const row = w.store.peek(key)!;
    expect(row.status).not.toHaveProperty('configStamps');
    expect(row.seen?.objects).toEqual({ [TARGET]: 'g3', [CM]: 'r5' });
  });
});
