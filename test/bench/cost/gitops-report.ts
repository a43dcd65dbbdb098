/** The bench report's GitOps section: gitops.ts's counts, off beside on, and their month. */
import type { GitOpsCosts, Minute } from './gitops.js';
import { ASSUMPTIONS, quietMonth } from './model.js';
import type { Cost, ReleaseCosts } from './requests.js';

const calls = (c: Cost) =>
  Object.entries(c.dynamodb)
    .sort()
    .map(([op, n]) => `${op} ${n}`)
    .join(', ') || 'none';
const total = (c: Cost) => Object.values(c.dynamodb).reduce((a, b) => a + b, 0);
const usd = (v: number) => `$${v < 0.1 ? v.toFixed(4) : v.toFixed(2)}`;
const count = (n: number) => n.toLocaleString('en-US');

/** What `c` asked beyond `quiet`: Kubernetes requests and DynamoDB calls. */
function beyond(c: Cost, quiet: Cost): string {
  const more = Object.entries(c.dynamodb)
    .map(([op, n]) => [op, n - (quiet.dynamodb[op] ?? 0)] as const)
    .filter(([, n]) => n > 0);
  return (
    `${c.kubernetes - quiet.kubernetes} Kubernetes requests and DynamoDB ` +
    calls({ ...c, dynamodb: Object.fromEntries(more) })
  );
}

/** `off` and `on`: the same cluster without and with `gitops.enabled`; `bytes` as the model's. */
export function gitopsSection(off: GitOpsCosts, on: GitOpsCosts, bytes: ReleaseCosts['bytes']): string[] {
  const minutes = ASSUMPTIONS.minutesPerMonth;
  const sweeps = (m: Minute) => `; ${m.sweeps} sweep${m.sweeps === 1 ? '' : 's'}`;
  const row = (what: string, a: Cost, b: Cost, extra: (c: Cost) => string = () => '') =>
    `| ${what} | ${a.kubernetes} | ${calls(a)}${extra(a)} | ${b.kubernetes} | ${calls(b)}${extra(b)} |`;
  const month = (what: string, a: Minute, b: Minute) =>
    `| ${what}, per month (× ${count(minutes)} minutes) | ${count(a.kubernetes * minutes)} ` +
    `| ${count(total(a) * minutes)} calls; ${usd(quietMonth(a, bytes))} ` +
    `| ${count(b.kubernetes * minutes)} | ${count(total(b) * minutes)} calls; ${usd(quietMonth(b, bytes))} |`;
  return [
    '## GitOps sourcing: one cluster with `gitops.enabled` beside the same cluster without (counted)',
    '',
    'A minute is dispatch and the sweep it sends (the steps it queues left out: they are the ' +
      "canary's own, above). Without GitOps the same changes come through the API: a registration is " +
      'its `POST /canaries`, a template change its `PUT /templates/test/success`. Dollars as the cost ' +
      'model prices them (DynamoDB, the sweep invocation and its message, dispatch); Kubernetes requests are free.',
    '',
    '| what | Kubernetes, off | DynamoDB, off | Kubernetes, on | DynamoDB, on |',
    '|---|---|---|---|---|',
    row('a quiet minute, no canaries', off.empty, on.empty, (c) => sweeps(c as Minute)),
    row('a quiet minute, podinfo idle and one template', off.idle, on.idle, (c) => sweeps(c as Minute)),
    row('podinfo registered (on: the minute its Canary object appears)', off.registration, on.registration),
    row(
      'a MetricTemplate changed (on: the minute its object changes)',
      off.templateChange,
      on.templateChange,
    ),
    month('a quiet cluster, no canaries', off.empty, on.empty),
    month('a quiet cluster, podinfo idle', off.idle, on.idle),
    '',
    `Beyond its quiet minute, the minute a Canary object appears costs ${beyond(on.registration, on.empty)}; ` +
      `the minute a MetricTemplate object changes ${beyond(on.templateChange, on.idle)}. ` +
      `Opting in adds ${usd(quietMonth(on.empty, bytes) - quietMonth(off.empty, bytes))} a month to a cluster ` +
      `without idle canaries (its sweep runs every minute), ${usd(quietMonth(on.idle, bytes) - quietMonth(off.idle, bytes))} ` +
      'to one with (swept anyway).',
    '',
  ];
}
