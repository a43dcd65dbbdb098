/** Webhooks over HTTP (Flagger contract). */
export { makeHttpHooks, MAX_OK_STATUS, describeNetworkError, type HttpHooksOptions } from './http-hooks.js';
export { toWirePayload, type WirePayload } from './payload.js';
export { parseHookUrl, displayUrl, redact, InvalidHookUrlError, type HookTarget } from './url.js';
