/**
 * What recording a Kubernetes Event costs, counted at the sandbox: a new one is one create, a
 * repeat this container wrote is one PATCH; the fallbacks (another container wrote it, someone
 * updated it meanwhile, it expired) still count correctly.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import { KubernetesEventRecorder, WrittenEvents } from '../../../lib/adapters/kubernetes/events.js';
import { withReadCache } from '../../../lib/adapters/kubernetes/read-cache.js';
import { Resources } from '../../../lib/adapters/kubernetes/resources.js';
import type { RecordedEvent } from '../../../lib/ports/workloads.js';
import type { RequestMark } from '../../../sandbox/apiserver/requests.js';
import { aCanary } from '../../support/builders.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { aTarget } from '../../unit/kubernetes/fixtures.js';
import { clientsFor, NS, signal } from './setup.js';

let sandbox: Sandbox;
let k: ClusterClients;
/** What this Lambda container remembers of the Events it wrote. */
let written: WrittenEvents;

beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: ['default', NS], rolloutDelayMs: 0 });
  k = await clientsFor(sandbox);
  await new Resources(k, NS).createDeployment({ ...aTarget(), metadata: { name: 'podinfo' } }, signal());
  written = new WrittenEvents();
});
afterEach(() => sandbox.close());

const halt: RecordedEvent = {
  type: 'Warning',
  reason: 'WaitingForCanary',
  message: 'Halt advancement podinfo.test waiting for rollout to finish',
};
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute));

/**
 * Records `event` as a step does (the target already in its read cache) with `memory`, and
 * returns the requests about Events it made: `POST /api/v1/namespaces/test/events → 201`.
 */
async function record(event: RecordedEvent, now: Date, memory = written): Promise<string[]> {
  const step = withReadCache(k);
  await new Resources(step, NS).getDeployment('podinfo', signal());
  const mark: RequestMark = sandbox.mark();
  await new KubernetesEventRecorder(step, memory).record(aCanary(), event, now, signal());
  return sandbox
    .selectRequests({ since: mark })
    .map((r) => `${r.method} ${r.path.replace(`/api/v1/namespaces/${NS}/events`, '…')} → ${r.status}`);
}

async function theEvent(): Promise<CoreV1Event> {
  const items = (await k.core.listNamespacedEvent({ namespace: NS })).items;
  expect(items).toHaveLength(1);
  return items[0];
}

describe('Kubernetes Events', () => {
  it('a new Event is one create; each repeat is one PATCH of count and lastTimestamp', async () => {
    expect(await record(halt, at(0))).toEqual(['POST … → 201']);
    const name = (await theEvent()).metadata.name;
    expect(await record(halt, at(1))).toEqual([`PATCH …/${name} → 200`]);
    expect(await record(halt, at(2))).toEqual([`PATCH …/${name} → 200`]);
    const e = await theEvent();
    expect(e).toMatchObject({ count: 3, reason: 'WaitingForCanary', type: 'Warning' });
    expect([e.firstTimestamp!.toISOString(), e.lastTimestamp!.toISOString()]).toEqual([
      at(0).toISOString(),
      at(2).toISOString(),
    ]);
  });

  it('a repeat another container wrote: the create conflicts, then read and update', async () => {
    await record(halt, at(0), new WrittenEvents());
    const name = (await theEvent()).metadata.name;
    expect(await record(halt, at(1))).toEqual(['POST … → 409', `GET …/${name} → 200`, `PUT …/${name} → 200`]);
    expect(await record(halt, at(2))).toEqual([`PATCH …/${name} → 200`]);
    expect((await theEvent()).count).toBe(3);
  });

  it('a repeat someone updated meanwhile: the guarded PATCH conflicts, then read and update', async () => {
    await record(halt, at(0));
    await record(halt, at(1), new WrittenEvents());
    const name = (await theEvent()).metadata.name;
    expect(await record(halt, at(2))).toEqual([
      `PATCH …/${name} → 409`,
      `GET …/${name} → 200`,
      `PUT …/${name} → 200`,
    ]);
    expect((await theEvent()).count).toBe(3);
  });

  it('a repeat of an Event that expired starts again at count 1', async () => {
    await record(halt, at(0));
    const name = (await theEvent()).metadata.name!;
    await k.core.deleteNamespacedEvent({ name, namespace: NS });
    expect(await record(halt, at(1))).toEqual([`PATCH …/${name} → 404`, 'POST … → 201']);
    expect((await theEvent()).count).toBe(1);
  });
});
