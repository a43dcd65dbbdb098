/**
 * `templates` and `alert-providers` with objects sourced from a cluster (docs/gitops.md), against
 * a real local stack: the SOURCE column, `--cluster` (what that cluster's canaries use), and the
 * warning of `apply -f` where a cluster's own object takes precedence. Cluster `mirror` opts in
 * to sourcing but cannot be reached, so its sweeps leave alone the rows written here as the sweep
 * writes them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnv, type Env } from './harness.js';

const infra = fileURLToPath(new URL('./fixtures/flux/infra', import.meta.url));
let env: Env;

beforeAll(async () => {
  env = await startEnv();
  await env.stack.registerCluster({
    name: 'mirror',
    kind: 'endpoint',
    server: 'https://k8s.invalid',
    gitops: { enabled: true },
  });
  const signal = new AbortController().signal;
  const address = 'http://reader:sourcedHunter2@prometheus.mirror:9090';
  await env.stack.core.sourced.put(
    'mirror',
    {
      kind: 'template',
      namespace: 'apps',
      name: 'error-rate',
      served: {
        generation: 1,
        doc: {
          namespace: 'apps',
          name: 'error-rate',
          provider: { type: 'prometheus', address },
          query: 'mirror',
          cluster: 'mirror',
        },
      },
    },
    signal,
  );
  await env.stack.core.sourced.put(
    'mirror',
    {
      kind: 'alert-provider',
      namespace: 'apps',
      name: 'pager',
      served: {
        generation: 1,
        doc: {
          namespace: 'apps',
          name: 'pager',
          type: 'slack',
          address: 'https://hooks.slack.com/x/sourcedHook',
        },
      },
    },
    signal,
  );
});
afterAll(() => env?.close());

describe('templates', () => {
  it('warns on apply that mirror uses its own, then lists both with their SOURCE', async () => {
    const applied = await env.cli(['templates', 'apply', '-f', join(infra, 'metric-template.yaml')]);
    expect(applied).toEqual({
      code: 0,
      stdout: 'metric template apps/error-rate created\n',
      stderr:
        'warning: cluster mirror sources its own MetricTemplate apps/error-rate: its canaries use that one\n',
    });
    const list = await env.cli(['templates']);
    expect(list.stdout).toMatch(
      /^NAMESPACE\s+NAME\s+SOURCE\s+PROVIDER\s+ADDRESS\napps\s+error-rate\s+api\s+prometheus\s+\S+\napps\s+error-rate\s+mirror\s+prometheus\s+\S+\n$/,
    );
    expect(list.stdout).not.toContain('sourcedHunter2');
  });

  it('--cluster lists and gets what that cluster’s canaries use', async () => {
    expect((await env.cli(['templates', '--cluster', 'mirror', '-o', 'name'])).stdout).toBe(
      'apps/error-rate\n',
    );
    const one = await env.cli(['templates', 'get', 'apps/error-rate', '--cluster', 'mirror', '-o', 'json']);
    expect(JSON.parse(one.stdout)).toMatchObject({ source: 'cluster', cluster: 'mirror', query: 'mirror' });
    const api = await env.cli(['templates', 'get', 'apps/error-rate', '-o', 'json']);
    expect(JSON.parse(api.stdout)).toMatchObject({ source: 'api' });
  });
});

describe('alert-providers', () => {
  it('lists the sourced one with its SOURCE, never its address', async () => {
    const r = await env.cli(['alert-providers', '--cluster', 'mirror']);
    expect(r.stdout).toMatch(
      /^NAMESPACE\s+NAME\s+SOURCE\s+TYPE\s+CHANNEL\napps\s+pager\s+mirror\s+slack\s+-\n$/,
    );
    const json = await env.cli(['alert-providers', '-o', 'json']);
    expect(json.stdout).not.toContain('sourcedHook');
  });
});
