/** Wiring of the notify function (and local mode): the notifiers on top of the core of wiring.ts. */
import type { NotifyEventDeps } from './app/notify-event.js';
import { CLUSTER_RECORD_TTL_MS, keptFor } from './app/cluster-cache.js';
import { sourcedFirst } from './app/sourced-lookup.js';
import { makeNotifierFactory } from './adapters/notify/index.js';
import type { DefaultAlerts } from './ports/notifier.js';
import { awsCore, secrets, type Core } from './wiring.js';

export function notifyDeps(core: Core, defaults: DefaultAlerts | undefined): NotifyEventDeps {
  const registration = keptFor(
    (name, signal) => core.clusters.get(name, signal),
    CLUSTER_RECORD_TTL_MS,
    core.now,
  );
  return {
    // An AlertProvider sourced from the canary's cluster first, then the API-registered one (docs/gitops.md).
    providers: {
      get: sourcedFirst('alert-provider', {
        store: core.sourced,
        shared: core.alertProviders,
        enabled: async (name, signal) => (await registration(name, signal))?.gitops?.enabled === true,
      }),
    },
    // Buttons only where a click is answered (docs/slack.md, "Where buttons appear").
    notifierFor: makeNotifierFactory({ slackButtons: core.config.slackButtons }),
    defaults,
  };
}

export async function buildNotifyDeps() {
  const core = awsCore();
  const c = core.config;
  const address = c.slackUrlParameter
    ? await secrets(c.region)({ parameter: c.slackUrlParameter }).catch(() => undefined)
    : undefined;
  return { core, notify: notifyDeps(core, address ? { type: 'slack', address } : undefined) };
}
