/**
 * Test helpers around the sandbox Kubernetes API server: start one, get a ready client-node
 * KubeConfig for it (https with caData, or plain http with skipTLSVerify), poll with a deadline,
 * and read the Status of a failed call.
 */
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/apiserver/index.js';

export { startSandbox, type Sandbox, type SandboxOptions };

/** How a KubeConfig reaches the sandbox. */
export interface KubeConfigOptions {
  /** Use the plain-http listener (client-node then needs skipTLSVerify). Default false (https + caData). */
  http?: boolean;
  /** Override the bearer token (e.g. a wrong one, to test 401). */
  token?: string;
}

/** A client-node KubeConfig whose current context talks to `sandbox`. */
export function kubeConfigFor(sandbox: Sandbox, options: KubeConfigOptions = {}): KubeConfig {
  const server = options.http ? sandbox.httpUrl : sandbox.url;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: sandbox.name,
        server,
        caData: server.startsWith('https:') ? sandbox.caData : undefined,
        skipTLSVerify: server.startsWith('http:'),
      },
    ],
    users: [{ name: sandbox.name, token: options.token ?? sandbox.token }],
    contexts: [{ name: sandbox.name, cluster: sandbox.name, user: sandbox.name }],
    currentContext: sandbox.name,
  });
  return kc;
}

/**
 * Calls `check` until it returns something other than undefined/false, then returns it; throws
 * with `message` (and the last error) when `timeoutMs` passes first. For asynchronous effects such
 * as the Deployment rollout simulation — never sleep a fixed time instead.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  {
    timeoutMs = 5_000,
    intervalMs = 20,
    message = 'condition not met',
  }: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs} ms`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The HTTP code and parsed Status body of a call that must fail with an ApiException. client-node
 * drops the body for some codes (401 on typed APIs); `status` is then `{}` and `reason` ''.
 */
export async function apiFailure(
  call: Promise<unknown>,
): Promise<{ code: number; reason: string; message: string; status: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body: unknown = error.body;
    const status = (typeof body === 'string' ? JSON.parse(body) : (body ?? {})) as Record<string, unknown>;
    return {
      code: error.code,
      reason: typeof status.reason === 'string' ? status.reason : '',
      message: typeof status.message === 'string' ? status.message : '',
      status,
    };
  }
  throw new Error('expected the call to fail with an ApiException, but it succeeded');
}
