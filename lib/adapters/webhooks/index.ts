/** Webhooks over HTTP (Flagger contract). */
export { makeHttpHooks, describeNetworkError } from './http-hooks.js';
export { toWirePayload } from './payload.js';
export { parseHookUrl, InvalidHookUrlError } from './url.js';
