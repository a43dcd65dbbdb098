/**
 * One sentence per verdict, for events, history records and Slack: what was compared, what was
 * seen, the bound that decided, and — when inconclusive — what more it needs. Pure.
 */
import * as f from './format.js';
import type { Judgement } from './types.js';

function needs(j: Judgement, zone: string): string {
  if (j.moreCanaryRequests === undefined) return `it needs more canary traffic to tell ${zone}`;
  const when = j.moreSeconds !== undefined ? ` (about ${f.seconds(j.moreSeconds)} at the current rate)` : '';
  return `about ${f.count(j.moreCanaryRequests)} more canary requests${when} should tell ${zone}`;
}

/** The sentence for an error-ratio verdict. */
export function explainErrors(j: Judgement): string {
  const { canary: c, primary: p, effect: e } = j;
  const conf = f.confidence(e.confidence);
  const seen =
    `the canary failed ${f.percent((c.errorRatePercent ?? 0) / 100)} of ${f.count(c.requests)} requests ` +
    `vs ${f.percent((p.errorRatePercent ?? 0) / 100)} of ${f.count(p.requests)} on the primary`;
  if (c.requests === 0) {
    return `${j.metric}: inconclusive — the canary has served no requests yet, so nothing can be compared.`;
  }
  const times = j.rateRatio ? ` (${f.round(j.rateRatio.lower, 2)}× the primary's rate or more)` : '';
  switch (j.verdict) {
    case 'fail':
      return (
        `${j.metric}: fail — ${seen}; it is worse by more than ${f.pp(e.lower)}${times} ` +
        `at ${conf} confidence (anytime-valid), beyond the ${f.pp(j.tolerance)} tolerance.`
      );
    case 'pass':
      return (
        `${j.metric}: pass — ${seen}; it is at most ${f.pp(e.upper)} worse at ${conf} confidence ` +
        `(anytime-valid), within the ${f.pp(j.margin)} margin.`
      );
    case 'inconclusive': {
      const caught =
        j.detectable !== undefined
          ? `; so far only a regression above ${f.pp(j.detectable)} would have been caught`
          : '';
      return (
        `${j.metric}: inconclusive — ${seen}; the difference lies between ${f.pp(e.lower)} and ${f.pp(e.upper)} ` +
        `at ${conf} confidence; ${needs(j, `a ${f.pp(j.margin)} regression from none`)}${caught}.`
      );
    }
  }
}

/** The sentence for a latency verdict. */
export function explainLatency(j: Judgement): string {
  const { canary: c, primary: p, effect: e } = j;
  const conf = f.confidence(e.confidence);
  if (c.requests === 0) {
    return `${j.metric}: inconclusive — the canary has served no requests yet, so nothing can be compared.`;
  }
  const seen =
    `canary P50/P99 ${f.ms(c.p50Ms)}/${f.ms(c.p99Ms)} over ${f.count(c.requests)} requests ` +
    `vs primary ${f.ms(p.p50Ms)}/${f.ms(p.p99Ms)} over ${f.count(p.requests)}`;
  switch (j.verdict) {
    case 'fail':
      return (
        `${j.metric}: fail — ${seen}; the canary is slower by a factor above ${f.ratio(e.lower)} ` +
        `at ${conf} confidence (anytime-valid), beyond the ${f.ratio(j.tolerance)} tolerance.`
      );
    case 'pass':
      return (
        `${j.metric}: pass — ${seen}; the canary is at most ${f.ratio(e.upper)} the primary's latency ` +
        `at ${conf} confidence (anytime-valid), within the ${f.ratio(j.margin)} margin.`
      );
    case 'inconclusive': {
      const caught =
        j.detectable !== undefined
          ? `; so far only a slowdown above ${f.ratio(j.detectable)} would have been caught`
          : '';
      return (
        `${j.metric}: inconclusive — ${seen}; the latency factor lies between ${f.ratio(e.lower)} and ${f.ratio(e.upper)} at ${conf} confidence; ` +
        `${needs(j, `a ${f.ratio(j.margin)} slowdown from none`)}${caught}.`
      );
    }
  }
}
