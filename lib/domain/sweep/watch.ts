/**
 * What an idle canary watches of the objects its last step touched (pure). A step acts on a change
 * of its inputs (the target, its ConfigMaps and Secrets) and corrects the objects it reconciles
 * (the Services, the routing objects), so those are watched by stamp. The objects a step only
 * creates when they are missing — the primary Deployment or DaemonSet, the primary autoscaler — and the
 * `-primary` copies of configs (read by promotion only) are watched for presence: a step would not undo an edit of them (promotion
 * rewrites them), and an HPA scaling the primary must not wake the canary. Events are not watched.
 */
import { targetName } from '../spec/accessors.js';
import type { Canary } from '../spec/schema.js';
import { ABSENT, parseRef, PRESENT, refOf, type Stamps } from './seen.js';

const CONFIGS = new Set(['configmaps', 'secrets']);
const WORKLOADS = new Set(['deployments', 'daemonsets']);

/** The stamps the sweep compares for `canary`, from everything its step touched. */
export function watched(canary: Canary, touched: Stamps): Stamps {
  const out: Record<string, string> = {};
  for (const [ref, stamp] of Object.entries(touched)) {
    const how = watchOf(canary, ref, touched);
    if (how === 'ignore') continue;
    out[ref] = how === 'presence' && stamp !== ABSENT ? PRESENT : stamp;
  }
  return out;
}

function watchOf(canary: Canary, ref: string, touched: Stamps): 'stamp' | 'presence' | 'ignore' {
  const o = parseRef(ref);
  if (o.resource === 'events' || o.resource === 'namespaces') return 'ignore';
  if (o.resource === 'horizontalpodautoscalers') return 'presence';
  if (WORKLOADS.has(o.resource)) return o.name === targetName(canary) ? 'stamp' : 'presence';
  if (CONFIGS.has(o.resource) && o.name.endsWith('-primary')) {
    const original = refOf({ ...o, name: o.name.slice(0, -'-primary'.length) });
    if (original in touched) return 'presence';
  }
  return 'stamp';
}

/** The stamps of the ConfigMaps and Secrets among `touched` (what a step read of them). */
export function configStamps(touched: Stamps): Stamps {
  return Object.fromEntries(Object.entries(touched).filter(([ref]) => CONFIGS.has(parseRef(ref).resource)));
}
