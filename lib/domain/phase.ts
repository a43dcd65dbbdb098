/** Flagger's newest phase machine (docs/flagger-compatibility.md#phases). */
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
