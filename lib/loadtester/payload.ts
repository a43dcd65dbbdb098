import { PayloadError } from './errors.js';

/** The webhook payload the load tester receives (Flagger's `CanaryWebhookPayload`). */
export interface WebhookPayload {
  name: string;
  namespace: string;
  phase?: string;
  checksum?: string;
  metadata: Record<string, string>;
}

/**
 * Reads a webhook payload from a raw JSON string or an already parsed object.
 * @throws {PayloadError} when it is not JSON, lacks `name`/`namespace`, or metadata values are not strings.
 */
export function parsePayload(body: unknown): WebhookPayload {
  const value = typeof body === 'string' || body instanceof Uint8Array ? decode(body) : body;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PayloadError('the request body must be a JSON object');
  const { name, namespace, phase, checksum, metadata } = value as Record<string, unknown>;
  if (typeof name !== 'string' || !name || typeof namespace !== 'string' || !namespace) {
    throw new PayloadError('the payload needs "name" and "namespace" strings');
  }
  return {
    name,
    namespace,
    phase: typeof phase === 'string' ? phase : undefined,
    checksum: typeof checksum === 'string' ? checksum : undefined,
    metadata: readMetadata(metadata),
  };
}

function decode(body: string | Uint8Array): unknown {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (!text.trim()) throw new PayloadError('empty request body');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PayloadError(`decoding the request body failed: ${(err as Error).message}`, { cause: err });
  }
}

function readMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw new PayloadError('"metadata" must be an object of strings');
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new PayloadError(`metadata.${key} must be a string`);
    out[key] = v;
  }
  return out;
}

/** Go's `strconv.ParseBool` truthy values, as Flagger reads `logCmdOutput`/`returnCmdOutput`. */
export function metadataFlag(metadata: Record<string, string>, key: string): boolean {
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(metadata[key] ?? '');
}

/** `name.namespace`, plus `@cluster` when the payload metadata names one: the canary a task belongs to. */
export function canaryId(p: WebhookPayload): string {
  return `${p.name}.${p.namespace}${p.metadata.cluster ? `@${p.metadata.cluster}` : ''}`;
}
