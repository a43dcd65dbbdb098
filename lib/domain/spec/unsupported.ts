/**
 * Refusal by name, before anything else: a Canary for a provider or target Flagger Serverless does
 * not implement gets one error naming it, instead of shape errors it would only have to fix to
 * learn that (Flagger's Knative canary has no `spec.service`; its first answer used to be
 * "spec.service: required field is missing"). Runs on the decoded manifest, before the schema.
 */
import { checkProvider, supportedTargetKinds, unsupportedFlaggerProviders } from './catalog.js';
import type { FieldError } from './errors.js';

const KNATIVE_GROUP = 'serving.knative.dev';

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

const expected = `expected targetRef kind ${supportedTargetKinds.join(' or ')}`;

/** The single error refusing `doc`, or undefined when its provider and target are implemented. */
export function refuseUnsupported(doc: Record<string, unknown>): FieldError | undefined {
  const spec = record(doc.spec);
  if (!spec) return undefined;
  const provider = text(spec.provider);
  const target = record(spec.targetRef);
  const kind = text(target?.kind);
  const knativeTarget =
    kind === 'Service' && (text(target?.apiVersion) ?? '').startsWith(`${KNATIVE_GROUP}/`);
  const family = provider?.split(':')[0]?.toLowerCase();
  if (family === 'knative' || knativeTarget) {
    return {
      path: family === 'knative' ? 'spec.provider' : 'spec.targetRef',
      message:
        'Knative is not supported by Flagger Serverless: it releases Knative Services ' +
        `(${KNATIVE_GROUP}/v1 Service) by revision traffic, and only Deployments and DaemonSets are released here; ${expected}`,
    };
  }
  if (provider !== undefined && family !== undefined && unsupportedFlaggerProviders.includes(family)) {
    const res = checkProvider(provider);
    if (!res.ok) return { path: 'spec.provider', message: res.message };
  }
  if (kind === 'Service') {
    return {
      path: 'spec.targetRef.kind',
      message:
        'Service targets are not supported by Flagger Serverless: Flagger routes a core Service ' +
        `target without a workload to promote; ${expected}, got "Service"`,
    };
  }
  return undefined;
}
