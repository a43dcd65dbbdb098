/**
 * API errors and their `Status` bodies. Every failure leaves the server as
 * `{kind:'Status',apiVersion:'v1',status:'Failure',message,reason,code,details}` like kube-apiserver,
 * so client-node's ApiException carries `code` and a JSON `body` whose `reason` callers can test.
 */
import type { ResourceType } from './resources.js';

/** Optional `details` of a Status: which object the error is about. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason: string; message: string; field?: string }[];
}

/** An error that maps one-to-one onto an HTTP status code and a Status reason. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }
}

/** The Status object for an error, as written on the wire. */
export function statusBody(error: ApiError): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(error.details ? { details: error.details } : {}),
    code: error.code,
  };
}

/** `deployments.apps` style name used in messages; core resources have no group suffix. */
function qualified(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}

function details(rt: ResourceType, name: string): StatusDetails {
  return { name, group: rt.group, kind: rt.plural };
}

/** 404: `deployments.apps "x" not found`. */
export function notFound(rt: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(rt)} "${name}" not found`, details(rt, name));
}

/** 404 for a path that names no served resource. */
export function noRoute(path: string): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
}

/** 409 on create of an existing name. */
export function alreadyExists(rt: ResourceType, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(rt)} "${name}" already exists`, details(rt, name));
}

/** 409 on a stale metadata.resourceVersion. */
export function conflict(rt: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(rt)} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
    details(rt, name),
  );
}

/** 422 with one field cause. */
export function invalid(
  rt: ResourceType | undefined,
  name: string,
  field: string,
  message: string,
): ApiError {
  const kind = rt ? rt.kind : 'Object';
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${field}: ${message}`, {
    name,
    group: rt?.group ?? '',
    kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

/** 400 for malformed requests (bad JSON, bad selector, name mismatch). */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 415 for a patch type the resource does not accept. */
export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType}) - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 405 for verbs a resource does not serve (deletecollection, creates in a terminating CRD). */
export function methodNotAllowed(method: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${method})`,
  );
}

/** 401 for a missing or wrong bearer token. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** 403, e.g. creating in a namespace that is being terminated. */
export function forbidden(message: string): ApiError {
  return new ApiError(403, 'Forbidden', message);
}

/** 406 when no media type in the Accept header can be served. */
export function notAcceptable(): ApiError {
  return new ApiError(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/yaml',
  );
}

/** 410 for a watch or continue token older than the retained history. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** 503, e.g. a service proxy without a target. */
export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

/** 504 for a list at a resourceVersion the store has not reached. */
export function tooLargeResourceVersion(requested: string, current: string): ApiError {
  return new ApiError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [
      {
        reason: 'ResourceVersionTooLarge',
        message: `Too large resource version`,
      },
    ],
  });
}
