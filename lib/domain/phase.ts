/** Flagger's newest phase machine (docs/flagger-compatibility.md#phases). */
export const phases = [
  'Initializing',
  'Initialized',
  'Waiting',
  'Progressing',
  'WaitingPromotion',
  'Promoting',
  'Finalising',
  'Succeeded',
  'Failed',
  'Terminating',
  'Terminated',
] as const;
export type Phase = (typeof phases)[number];

/** Phases in which a release is under way (the analysis loop keeps running). */
export const activePhases: readonly Phase[] = ['Progressing', 'WaitingPromotion', 'Promoting', 'Finalising'];
