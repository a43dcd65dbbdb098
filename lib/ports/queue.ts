import type { CanaryKey } from './store.js';

/** A request to run one analysis step of one canary, not before `dueAt` (epoch ms). */
export interface StepMessage {
  key: CanaryKey;
  dueAt: number;
}

/** Delivers step messages to the analyze function (SQS in AWS, in-process locally). */
export interface WorkQueue {
  send(messages: StepMessage[], now: number, signal: AbortSignal): Promise<void>;
}
