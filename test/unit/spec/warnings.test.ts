import { describe, expect, it } from 'vitest';
import { parseCanary } from '../../../lib/domain/spec/parse.js';
import { aManifest, edit } from './builders.js';
import { hook, warningsFor } from './tables.js';

describe('warnings: accepted, but said', () => {
  it.each([
    {
      name: 'Gateway API without gatewayRefs (mesh routing through the apex Service)',
      edits: { 'spec.provider': 'gatewayapi:v1' },
      want: 'spec.service.gatewayRefs: no Gateway references: the HTTPRoute attaches to the apex Service (mesh, east-west routing); list gatewayRefs for traffic through a Gateway',
    },
    {
      name: 'interval below 10s',
      edits: { 'spec.analysis.interval': '5s' },
      want: 'spec.analysis.interval: interval 5s is below the 10s minimum; 10s is used',
    },
    {
      name: 'threshold 0',
      edits: { 'spec.analysis.threshold': 0 },
      want: 'spec.analysis.threshold: threshold 0 is treated as 1 (roll back on the first failed check)',
    },
    {
      name: 'negative threshold',
      edits: { 'spec.analysis.threshold': -1 },
      want: 'spec.analysis.threshold: threshold -1 is treated as 1 (roll back on the first failed check)',
    },
    {
      name: 'typo in an analysis field',
      edits: { 'spec.analysis.stepweight': 10 },
      want: 'spec.analysis.stepweight: unknown field; did you mean stepWeight?',
    },
    {
      name: 'typo in metadata',
      edits: { 'metadata.namspace': 'prod' },
      want: 'metadata.namspace: unknown field; did you mean namespace?',
    },
    {
      name: 'typo in a webhook',
      edits: { 'spec.analysis.webhooks[0].timout': '5s' },
      want: 'spec.analysis.webhooks[0].timout: unknown field; did you mean timeout?',
    },
    {
      name: 'unknown field, no suggestion',
      edits: { 'spec.service.colour': 'blue' },
      want: 'spec.service.colour: unknown field',
    },
    {
      name: 'sessionAffinity',
      edits: { 'spec.analysis.sessionAffinity': { cookieName: 'flagger' } },
      want: 'spec.analysis.sessionAffinity: not supported by Flagger Serverless yet (session affinity is not implemented); the field is ignored',
    },
    {
      name: 'portDiscovery',
      edits: { 'spec.service.portDiscovery': true },
      want: 'spec.service.portDiscovery: not supported by Flagger Serverless yet (only service.port is exposed); the field is ignored',
    },
    {
      name: 'headless',
      edits: { 'spec.service.headless': true },
      want: 'spec.service.headless: not supported by Flagger Serverless yet (headless services are not generated); the field is ignored',
    },
    {
      name: 'delegation',
      edits: { 'spec.service.delegation': true },
      want: 'spec.service.delegation: not supported by Flagger Serverless yet (Istio delegation is not implemented); the field is ignored',
    },
    {
      name: 'unmanaged metadata',
      edits: { 'spec.service.unmanagedMetadata': { labels: ['a'] } },
      want: 'spec.service.unmanagedMetadata: not supported by Flagger Serverless yet (generated Services get no extra metadata); the field is ignored',
    },
    {
      name: 'metricsServer',
      edits: { 'spec.metricsServer': 'http://prometheus:9090' },
      want: 'spec.metricsServer: not supported by Flagger Serverless yet (the Prometheus address is configured per cluster); the field is ignored',
    },
    {
      name: 'KEDA ScaledObject',
      edits: { 'spec.autoscalerRef': { kind: 'ScaledObject', name: 'podinfo' } },
      want: 'spec.autoscalerRef: KEDA ScaledObject autoscalers are not supported by Flagger Serverless yet; autoscalerRef is ignored',
    },
    {
      name: 'status from kubectl get',
      edits: { status: { phase: 'Succeeded' } },
      want: 'status: ignored: Flagger Serverless keeps the status of a canary itself',
    },
    {
      name: 'no analysis block',
      edits: { 'spec.analysis': undefined },
      want: 'spec: no analysis block: new revisions are promoted without analysis',
    },
    {
      name: 'stepWeight with stepWeights',
      edits: { 'spec.analysis.maxWeight': undefined, 'spec.analysis.stepWeights': [10, 20] },
      want: 'spec.analysis.stepWeight: ignored: stepWeights takes precedence',
    },
    {
      name: 'maxWeight with stepWeights',
      edits: { 'spec.analysis.stepWeight': undefined, 'spec.analysis.stepWeights': [10, 20] },
      want: 'spec.analysis.maxWeight: ignored: the last of stepWeights is the maximum weight',
    },
    {
      name: 'threshold with thresholdRange',
      edits: { 'spec.analysis.metrics[0].threshold': 98 },
      want: 'spec.analysis.metrics[0].threshold: ignored: thresholdRange takes precedence',
    },
    {
      name: 'custom query without bounds',
      edits: { 'spec.analysis.metrics[1]': { name: 'errors', query: 'up' } },
      want: 'spec.analysis.metrics[1]: metric "errors" has no threshold or thresholdRange; it never fails',
    },
    {
      name: 'builtin name with a query',
      edits: { 'spec.analysis.metrics[0].query': 'up' },
      want: 'spec.analysis.metrics[0].name: "request-success-rate" is a builtin name but the query is run instead',
    },
    {
      name: 'mirrorWeight without mirror',
      edits: { 'spec.analysis.mirrorWeight': 20 },
      want: 'spec.analysis.mirrorWeight: ignored: mirror is not enabled',
    },
    {
      name: 'kubernetes provider with stepWeight',
      edits: { 'spec.provider': 'kubernetes', 'spec.analysis.iterations': 5 },
      want: 'spec.analysis.stepWeight: ignored: provider kubernetes supports blue/green only',
    },
    {
      name: 'rollout hooks longer than the interval',
      edits: {
        'spec.analysis.interval': '30s',
        'spec.analysis.webhooks[0].timeout': '20s',
        'spec.analysis.webhooks[1]': hook('smoke', { timeout: '15s' }),
      },
      want: 'spec.analysis.webhooks: rollout webhook timeouts add up to 35s, not less than the 30s analysis interval',
    },
  ])('$name', ({ edits, want }) => {
    expect(warningsFor(edits)).toContain(want);
  });

  it('v1alpha3 warnings name canaryAnalysis', () => {
    const analysis = (aManifest().spec as { analysis: unknown }).analysis;
    const doc = aManifest({
      apiVersion: 'flagger.app/v1alpha3',
      'spec.analysis': undefined,
      'spec.canaryAnalysis': analysis,
    });
    const r = parseCanary(
      edit(doc, {
        'spec.canaryAnalysis.interval': '5s',
        'spec.canaryAnalysis.stepweight': 5,
        'spec.canaryAnalysis.webhooks[0].timeout': '2s',
      }),
    );
    expect(r.ok && r.warnings).toEqual([
      'spec.canaryAnalysis.stepweight: unknown field; did you mean stepWeight?',
      'spec.canaryAnalysis.interval: interval 5s is below the 10s minimum; 10s is used',
    ]);
  });

  it('the podinfo manifest as given produces no warnings', () => {
    expect(warningsFor({})).toEqual([]);
  });
});
