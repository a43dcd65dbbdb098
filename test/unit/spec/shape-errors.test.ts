import { describe, expect, it } from 'vitest';
import { aManifest, edit } from './builders.js';
import { errorsFor } from './tables.js';

describe('shape errors: exact path and a human message', () => {
  it.each([
    {
      name: 'port as a string',
      edits: { 'spec.service.port': '80' },
      path: 'spec.service.port',
      message: 'expected a number, got string "80"',
    },
    {
      name: 'port out of range',
      edits: { 'spec.service.port': 70000 },
      path: 'spec.service.port',
      message: 'expected a number ≤ 65535, got number 70000',
    },
    {
      name: 'missing service',
      edits: { 'spec.service': undefined },
      path: 'spec.service',
      message: 'required field is missing; expected an object (a mapping of fields)',
    },
    {
      name: 'missing targetRef.name',
      edits: { 'spec.targetRef.name': undefined },
      path: 'spec.targetRef.name',
      message: 'required field is missing; expected a string',
    },
    {
      name: 'wrong kind',
      edits: { kind: 'Rollout' },
      path: 'kind',
      message: 'expected "Canary", got string "Rollout"',
    },
    {
      name: 'wrong apiVersion',
      edits: { apiVersion: 'flagger.app/v1' },
      path: 'apiVersion',
      message: 'expected flagger.app/v1beta1 or flagger.app/v1alpha3, got string "flagger.app/v1"',
    },
    {
      name: 'name not DNS-1123',
      edits: { 'metadata.name': 'Pod_Info' },
      path: 'metadata.name',
      message:
        'expected a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters), got string "Pod_Info"',
    },
    {
      name: 'label value a number',
      edits: { 'metadata.labels': { 'app.kubernetes.io/version': 1.2 } },
      path: 'metadata.labels["app.kubernetes.io/version"]',
      message: 'expected a string, got number 1.2',
    },
    {
      name: 'threshold not an integer',
      edits: { 'spec.analysis.threshold': 1.5 },
      path: 'spec.analysis.threshold',
      message: 'expected an integer, got number 1.5',
    },
    {
      name: 'maxWeight over 100',
      edits: { 'spec.analysis.maxWeight': 120 },
      path: 'spec.analysis.maxWeight',
      message: 'expected a number ≤ 100, got number 120',
    },
    {
      name: 'stepWeight negative',
      edits: { 'spec.analysis.stepWeight': -5 },
      path: 'spec.analysis.stepWeight',
      message: 'expected a number ≥ 0, got number -5',
    },
    {
      name: 'stepWeights item a string',
      edits: { 'spec.analysis.stepWeights': [5, '10'] },
      path: 'spec.analysis.stepWeights[1]',
      message: 'expected a number, got string "10"',
    },
    {
      name: 'interval in words',
      edits: { 'spec.analysis.interval': '1 minute' },
      path: 'spec.analysis.interval',
      message: 'expected a duration such as "30s", "1m" or "1h", got string "1 minute"',
    },
    {
      name: 'interval a number',
      edits: { 'spec.analysis.interval': 60 },
      path: 'spec.analysis.interval',
      message: 'expected a string, got number 60',
    },
    {
      name: 'metric threshold a string',
      edits: { 'spec.analysis.metrics[0].threshold': '99' },
      path: 'spec.analysis.metrics[0].threshold',
      message: 'expected a number, got string "99"',
    },
    {
      name: 'metric without name',
      edits: { 'spec.analysis.metrics[1]': { query: 'up' } },
      path: 'spec.analysis.metrics[1].name',
      message: 'required field is missing; expected a string',
    },
    {
      name: 'empty metric name',
      edits: { 'spec.analysis.metrics[0].name': '' },
      path: 'spec.analysis.metrics[0].name',
      message: 'expected a non-empty string, got string ""',
    },
    {
      name: 'webhook url not a URL',
      edits: { 'spec.analysis.webhooks[0].url': 'loadtester' },
      path: 'spec.analysis.webhooks[0].url',
      message: 'expected an absolute URL such as "http://host:8080/path", got string "loadtester"',
    },
    {
      name: 'webhook type unknown',
      edits: { 'spec.analysis.webhooks[0].type': 'pre-promotion' },
      path: 'spec.analysis.webhooks[0].type',
      message:
        'expected one of "confirm-rollout", "pre-rollout", "rollout", "confirm-traffic-increase", "confirm-promotion", "post-rollout", "rollback", "event", got string "pre-promotion"',
    },
    {
      name: 'targetPort a boolean',
      edits: { 'spec.service.targetPort': true },
      path: 'spec.service.targetPort',
      message: 'expected a number or a string, got boolean true',
    },
    {
      name: 'metrics not a list',
      edits: { 'spec.analysis.metrics': { name: 'x' } },
      path: 'spec.analysis.metrics',
      message: 'expected a list, got an object',
    },
  ])('$name → $path', ({ edits, path, message }) => {
    expect(errorsFor(edits)).toContainEqual({ path, message });
  });

  it('v1alpha3 input: paths name canaryAnalysis, the field the user wrote', () => {
    const doc = edit(aManifest(), {
      apiVersion: 'flagger.app/v1alpha3',
      'spec.canaryAnalysis': aManifest().spec,
      'spec.analysis': undefined,
    });
    const v1alpha3 = edit(doc, {
      'spec.canaryAnalysis': (aManifest().spec as { analysis: unknown }).analysis,
    });
    expect(
      errorsFor(
        { 'spec.canaryAnalysis.metrics[1]': { name: 'latency', threshold: 'high', query: 'q' } },
        v1alpha3,
      ),
    ).toEqual([
      { path: 'spec.canaryAnalysis.metrics[1].threshold', message: 'expected a number, got string "high"' },
    ]);
    expect(
      errorsFor(
        { 'spec.canaryAnalysis.stepWeight': undefined, 'spec.canaryAnalysis.maxWeight': undefined },
        v1alpha3,
      )[0]?.path,
    ).toBe('spec.canaryAnalysis');
  });

  it('a misspelt field joins the errors it probably caused', () => {
    expect(
      errorsFor({ 'spec.targetRef': undefined, 'spec.targetref': { kind: 'Deployment', name: 'podinfo' } }),
    ).toEqual([
      {
        path: 'spec.targetRef',
        message: 'required field is missing; expected an object (a mapping of fields)',
      },
      { path: 'spec.targetref', message: 'unknown field; did you mean targetRef?' },
    ]);
  });
});
