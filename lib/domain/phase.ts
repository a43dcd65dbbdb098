/** Flagger's newest phase machine (flagger-spec.md §2.10.3). */
export type Phase =
  | 'Initializing'
  | 'Initialized'
  | 'Waiting'
  | 'Progressing'
  | 'WaitingPromotion'
  | 'Promoting'
  | 'Finalising'
  | 'Succeeded'
  | 'Failed'
  | 'Terminating'
  | 'Terminated';
