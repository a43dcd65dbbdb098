/** The local stand-in for SQS and the step function: due messages, a bounded number at once. */
import { expect, it } from 'vitest';
import { LocalQueue } from '../../../local/queue.js';
import type { StepMessage } from '../../../lib/ports/queue.js';

const message = (name: string, dueAt = 0): StepMessage => ({
  key: { cluster: 'c', namespace: 'ns', name },
  dueAt,
});

/** A consumer that holds every delivery until `release()`, counting how many ran at once. */
function heldConsumer() {
  const held: (() => void)[] = [];
  const delivered: string[] = [];
  let running = 0;
  let most = 0;
  return {
    delivered,
    most: () => most,
    release: () => held.splice(0).forEach((r) => r()),
    deliver: async (m: StepMessage) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((r) => held.push(r));
      running--;
      delivered.push(m.key.name);
    },
  };
}

it('runs at most `concurrency` deliveries at once and the rest in arrival order', async () => {
  const consumer = heldConsumer();
  const queue = new LocalQueue(consumer.deliver, 60_000, 3);
  await queue.send(
    ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => message(n)),
    0,
  );
  expect(queue.inFlight).toBe(3);
  expect(queue.pending).toBe(7);
  while (consumer.delivered.length < 7) {
    consumer.release();
    await new Promise((r) => setImmediate(r));
  }
  await queue.drain();
  expect(consumer.most()).toBe(3);
  expect(consumer.delivered).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  expect(queue.pending).toBe(0);
});

it('drops the waiting messages on close and delivers nothing more', async () => {
  const consumer = heldConsumer();
  const queue = new LocalQueue(consumer.deliver, 60_000, 1);
  await queue.send([message('a'), message('b'), message('c')], 0);
  queue.close();
  consumer.release();
  await queue.drain();
  expect(consumer.delivered).toEqual(['a']);
  expect(queue.pending).toBe(0);
});

it('keeps one waiting message per canary: a newer one replaces it in its place', async () => {
  const consumer = heldConsumer();
  const seen: (number | undefined)[] = [];
  const queue = new LocalQueue(
    async (m) => {
      seen.push(m.seenAt);
      await consumer.deliver(m);
    },
    60_000,
    1,
  );
  await queue.send([message('a'), message('b'), message('c')], 0);
  await queue.send([{ ...message('b'), seenAt: 7 }, message('c'), message('c')], 0);
  expect(queue.pending).toBe(3);
  while (consumer.delivered.length < 3) {
    consumer.release();
    await new Promise((r) => setImmediate(r));
  }
  await queue.drain();
  expect(consumer.delivered).toEqual(['a', 'b', 'c']);
  expect(seen).toEqual([undefined, 7, undefined]);
});
