import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoEnv, localModeEnv, slackClickEnv } from '../../../local/config.js';

describe('local mode settings', () => {
  it('defaults: port 8080, a generated token, ~/.kube/config', () => {
    expect(localModeEnv({})).toEqual({
      port: 8080,
      apiToken: undefined,
      prometheusUrl: undefined,
      slackUrl: undefined,
      kubeconfigPath: join(homedir(), '.kube', 'config'),
    });
  });

  it('reads PORT, FLAGGER_API_TOKEN, PROMETHEUS_URL, SLACK_URL and KUBECONFIG', () => {
    const env = localModeEnv({
      PORT: '9090',
      FLAGGER_API_TOKEN: 't0k3n',
      PROMETHEUS_URL: 'http://127.0.0.1:9091',
      SLACK_URL: 'http://127.0.0.1:3000/hook',
      KUBECONFIG: '/tmp/kc.yaml',
    });
    expect(env).toEqual({
      port: 9090,
      apiToken: 't0k3n',
      prometheusUrl: 'http://127.0.0.1:9091',
      slackUrl: 'http://127.0.0.1:3000/hook',
      kubeconfigPath: '/tmp/kc.yaml',
    });
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('an empty FLAGGER_API_TOKEN counts as unset', () => {
    expect(localModeEnv({ FLAGGER_API_TOKEN: '' }).apiToken).toBeUndefined();
  });

  it('reads SLACK_SIGNING_SECRET (Slack buttons), empty meaning unset', () => {
    expect(localModeEnv({ SLACK_SIGNING_SECRET: 's3cr3t' }).slackSigningSecret).toBe('s3cr3t');
    expect(localModeEnv({ SLACK_SIGNING_SECRET: '' }).slackSigningSecret).toBeUndefined();
  });
});

describe('npm run slack-click settings', () => {
  it.each([
    [{}, { signingSecret: undefined, apiUrl: 'http://127.0.0.1:8080' }],
    [
      { PORT: '9090', SLACK_SIGNING_SECRET: 's' },
      { signingSecret: 's', apiUrl: 'http://127.0.0.1:9090' },
    ],
    [
      { FLAGGER_API_URL: 'http://127.0.0.1:7000/', PORT: '9090' },
      { signingSecret: undefined, apiUrl: 'http://127.0.0.1:7000' },
    ],
  ])('%j → %j', (env, want) => {
    expect(slackClickEnv(env)).toEqual(want);
  });
});

describe('demo settings', () => {
  it('PROMETHEUS_BIN, empty meaning unset; quiets the AWS SDK warning unless set', () => {
    const env: Record<string, string | undefined> = { PROMETHEUS_BIN: '/opt/prometheus' };
    expect(demoEnv(env)).toEqual({ prometheusBin: '/opt/prometheus', trafficSeed: undefined });
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');

    const chosen: Record<string, string | undefined> = {
      PROMETHEUS_BIN: '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false',
    };
    expect(demoEnv(chosen)).toEqual({ prometheusBin: undefined, trafficSeed: undefined });
    expect(chosen.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('false');
  });

  it('TRAFFIC_SEED: an integer seed of the simulated traffic, empty meaning the default', () => {
    expect(demoEnv({ TRAFFIC_SEED: '42' }).trafficSeed).toBe(42);
    expect(demoEnv({ TRAFFIC_SEED: '-7' }).trafficSeed).toBe(-7);
    expect(demoEnv({ TRAFFIC_SEED: '' }).trafficSeed).toBeUndefined();
    expect(() => demoEnv({ TRAFFIC_SEED: 'abc' })).toThrow(/TRAFFIC_SEED must be an integer/);
    expect(() => demoEnv({ TRAFFIC_SEED: '1.5' })).toThrow(/TRAFFIC_SEED/);
  });
});
