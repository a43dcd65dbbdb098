import type { CanaryKey } from './store.js';

/**
 * A request to run one step of one canary, not before `dueAt` (epoch ms): an analysis step, or
 * with `action` an action-only step applying the operator's pending command at once.
 */
export interface StepMessage {
  key: CanaryKey;
  dueAt: number;
  action?: true;
}

/** Delivers step messages to the step function (SQS in AWS, in-process locally). */
export interface WorkQueue {
  send(messages: StepMessage[], now: number, signal: AbortSignal): Promise<void>;
}
