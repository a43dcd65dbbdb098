/** Flagger's newest phase machine (flagger-spec.md §2.10.3). */
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
