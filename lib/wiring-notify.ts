/** Wiring of the notify function (and local mode): the notifiers on top of the core of wiring.ts. */
import type { NotifyEventDeps } from './app/notify-event.js';
import { makeNotifierFactory } from './adapters/notify/index.js';
import type { DefaultAlerts } from './ports/notifier.js';
import { awsCore, secrets, type Core } from './wiring.js';

export function notifyDeps(core: Core, defaults: DefaultAlerts | undefined): NotifyEventDeps {
  return {
    providers: { get: (ns, name, signal) => core.alertProviders.get(`${ns}/${name}`, signal) },
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
