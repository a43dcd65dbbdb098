import type { CanaryKey } from './store.js';

/**
 * A request to run one step of one canary, not before `dueAt` (epoch ms): an analysis step, or
 * with `action` an action-only step applying the operator's pending command at once.
 */
export interface StepMessage {
  key: CanaryKey;
  dueAt: number;
  action?: true;
  /**
   * A step the sweep asks for: something the idle canary saw changed. It runs at once, before its
   * scheduled time, if the canary still holds the record the sweep compared (`seen.at`).
   */
  seenAt?: number;
}

/** Delivers step messages to the step function (SQS in AWS, in-process locally). */
export interface WorkQueue {
  send(messages: StepMessage[], now: number, signal: AbortSignal): Promise<void>;
}

/** A request to sweep one cluster's idle canaries (dispatch sends one per cluster per minute). */
export interface SweepMessage {
  cluster: string;
  /** Epoch ms of the dispatch that sent it. */
  at: number;
}

/** Delivers sweep messages to the sweep function (SQS in AWS, in-process locally). */
export interface SweepQueue {
  send(messages: SweepMessage[], signal: AbortSignal): Promise<void>;
}
