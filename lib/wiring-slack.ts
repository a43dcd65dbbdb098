/** Wiring of the Slack interactivity function (and local mode): the button use case over the core. */
import { Access } from './app/access.js';
import type { ButtonDeps } from './app/button-actions.js';
import { bootstrapGrants } from './domain/authz/authorize.js';
import { makeSlackReplies } from './adapters/notify/slack-replies.js';
import type { WorkQueue } from './ports/queue.js';
import { awsCore, awsQueue, requireSetting, secrets, type Core } from './wiring.js';

/** The button use case's dependencies; who may click is decided by the grants (docs/security.md). */
export function buttonDeps(core: Core, queue: WorkQueue): ButtonDeps {
  const bootstrapAdmins = bootstrapGrants(core.config.adminPrincipals);
  return {
    store: core.store,
    history: core.history,
    queue,
    now: core.now,
    newId: core.newId,
    claims: core.buttonClaims,
    replies: makeSlackReplies(),
    accessOf: (principal, signal) =>
      new Access(
        { grants: core.grants, bootstrapAdmins },
        { actor: principal, principals: [principal] },
        signal,
      ),
  };
}

/** `read` once; a failed read is tried again on the next call. */
function once(read: () => Promise<string>): () => Promise<string> {
  let value: Promise<string> | undefined;
  return () => {
    value ??= read().catch((e: unknown) => {
      value = undefined;
      throw e;
    });
    return value;
  };
}

export function buildSlackDeps() {
  const core = awsCore();
  const c = core.config;
  const parameter = requireSetting(c.slackSigningSecretParameter, 'SLACK_SIGNING_SECRET_PARAMETER');
  return {
    buttons: buttonDeps(core, awsQueue(c)),
    signingSecret: once(() => secrets(c.region)({ parameter })),
    logger: core.logger,
    now: core.now,
    maxBodyBytes: c.maxBodyBytes,
  };
}
