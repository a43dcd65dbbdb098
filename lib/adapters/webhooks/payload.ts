import type { HookCall } from '../../ports/hooks.js';

/** The JSON body Flagger POSTs to a webhook (`CanaryWebhookPayload`). */
export interface WirePayload {
  name: string;
  namespace: string;
  phase: string;
  checksum: string;
  /** Omitted when empty, as Flagger's `omitempty` does. */
  metadata?: Record<string, string>;
}

/**
 * Builds the request body of a hook call, as Flagger's `CallWebhook`/`CallEventWebhook` do:
 * metadata = the hook's spec metadata, overlaid by call-specific metadata; for `event` hooks
 * `eventMessage`, `eventType` and `timestamp` (unix ms as a string) are added and win over user keys.
 */
export function toWirePayload(call: HookCall): WirePayload {
  const { payload } = call;
  const metadata: Record<string, string> = { ...call.metadata, ...payload.metadata };
  if (call.type === 'event') {
    if (payload.eventMessage !== undefined) metadata.eventMessage = payload.eventMessage;
    if (payload.eventType !== undefined) metadata.eventType = payload.eventType;
    if (payload.timestamp !== undefined) metadata.timestamp = String(Math.trunc(payload.timestamp));
  }
  const body: WirePayload = {
    name: payload.name,
    namespace: payload.namespace,
    phase: payload.phase,
    checksum: payload.checksum,
  };
  if (Object.keys(metadata).length > 0) body.metadata = metadata;
  return body;
}
