/**
 * Local mode's event bus: `delivered()` resolves only once every subscriber is done with the
 * matching event and with the events published with it (the demo reports the Slack messages of a
 * release's last step only after that), and a wait that ends leaves nothing registered.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../lib/domain/events.js';
import { LocalBus } from '../../../local/bus.js';

const signal = () => new AbortController().signal;
const flush = () => new Promise((r) => setImmediate(r));

function anEvent(type: DomainEvent['type'], phase: DomainEvent['phase']): DomainEvent {
  return {
    type,
    canary: { cluster: 'sandbox', namespace: 'test', name: 'podinfo' },
    target: 'podinfo',
    phase,
    canaryWeight: 0,
    primaryWeight: 100,
    iterations: 0,
    failedChecks: 2,
    threshold: 2,
    reason: 'RollbackThresholdReached',
    message: 'Rolled back',
    severity: 'error',
    at: '2024-01-01T00:00:00.000Z',
  };
}

describe('LocalBus.delivered', () => {
  it('resolves after the subscribers finished the whole batch of the matching event', async () => {
    const bus = new LocalBus();
    const pending: (() => void)[] = [];
    bus.subscribe(() => new Promise<void>((done) => pending.push(done)));
    let delivered: DomainEvent | undefined;
    const waiting = bus.delivered((e) => e.phase === 'Failed', signal()).then((e) => (delivered = e));
    const publishing = bus.publish(
      [anEvent('RolledBack', 'Failed'), anEvent('PhaseChanged', 'Failed')],
      signal(),
    );
    expect(pending).toHaveLength(1);
    pending[0]();
    await flush();
    // The matching event is handled, the other one of its step is not yet.
    expect(pending).toHaveLength(2);
    expect(delivered).toBeUndefined();
    pending[1]();
    await publishing;
    await waiting;
    expect(delivered?.type).toBe('RolledBack');
  });

  it('ignores events that do not match and events published before the wait began', async () => {
    const bus = new LocalBus();
    await bus.publish([anEvent('RolledBack', 'Failed')], signal());
    let resolved = false;
    const controller = new AbortController();
    const waiting = bus
      .delivered((e) => e.phase === 'Failed', controller.signal)
      .then(() => (resolved = true));
    await bus.publish([anEvent('WeightChanged', 'Progressing')], signal());
    expect(resolved).toBe(false);
    await bus.publish([anEvent('RolledBack', 'Failed')], signal());
    await waiting;
    expect(resolved).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects when its signal aborts and forgets the wait', async () => {
    const bus = new LocalBus();
    const controller = new AbortController();
    const waiting = bus.delivered(() => true, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('release timed out'));
    await expect(waiting).rejects.toThrow('release timed out');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // A later matching event finds no one waiting (nothing throws, nothing is resolved twice).
    await bus.publish([anEvent('RolledBack', 'Failed')], signal());
  });
});
