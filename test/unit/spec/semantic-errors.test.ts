import { describe, expect, it } from 'vitest';
import { formatErrors, parseCanary } from '../../../lib/domain/spec/parse.js';
import { aManifest } from './builders.js';
import { bg, errorsFor, hook, noSteps } from './tables.js';

describe('semantic errors', () => {
  it.each([
    {
      name: 'unknown provider',
      edits: { 'spec.provider': 'envoy' },
      path: 'spec.provider',
      message:
        /^unknown provider "envoy"; supported: istio, gatewayapi, gatewayapi:v1, gatewayapi:v1beta1, appmesh, appmesh:v1beta2, kubernetes, nginx, contour, gloo, traefik, apisix, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, smi:v1alpha4, consul, kuma, alb$/,
    },
    {
      name: 'provider in capitals',
      edits: { 'spec.provider': 'Istio' },
      path: 'spec.provider',
      message: /^unknown provider "Istio"; did you mean "istio"\?/,
    },
    ...['skipper', 'osm'].map((p) => ({
      name: `Flagger provider ${p}`,
      edits: { 'spec.provider': p },
      path: 'spec.provider',
      message: new RegExp(`^provider "${p}" is not supported by Flagger Serverless yet; supported: istio, `),
    })),
    {
      name: 'Flagger provider knative',
      edits: { 'spec.provider': 'knative' },
      path: 'spec.provider',
      message:
        /^Knative is not supported by Flagger Serverless: .*expected targetRef kind Deployment or DaemonSet$/,
    },
    {
      name: 'gatewayapi with an unknown version',
      edits: { 'spec.provider': 'gatewayapi:v2', 'spec.service.gatewayRefs': [{ name: 'gw' }] },
      path: 'spec.provider',
      message: /^unsupported provider version "gatewayapi:v2": gatewayapi versions: v1, v1beta1;/,
    },
    {
      name: 'istio with a version',
      edits: { 'spec.provider': 'istio:v1' },
      path: 'spec.provider',
      message: /istio takes no version suffix/,
    },
    {
      name: 'StatefulSet target',
      edits: { 'spec.targetRef.kind': 'StatefulSet' },
      path: 'spec.targetRef.kind',
      message:
        /^expected Deployment or DaemonSet, got "StatefulSet": .*not supported by Flagger Serverless yet$/,
    },
    {
      name: 'DaemonSet target with an autoscaler',
      edits: {
        'spec.targetRef.kind': 'DaemonSet',
        'spec.autoscalerRef': { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'p' },
      },
      path: 'spec.autoscalerRef',
      message: /^a DaemonSet target cannot have an autoscalerRef/,
    },
    {
      name: 'autoscaler of another kind',
      edits: { 'spec.autoscalerRef': { kind: 'VerticalPodAutoscaler', name: 'p' } },
      path: 'spec.autoscalerRef.kind',
      message: /^expected HorizontalPodAutoscaler .*got "VerticalPodAutoscaler"$/,
    },
    {
      name: 'no stepWeight, stepWeights or iterations',
      edits: noSteps,
      path: 'spec.analysis',
      message: /^expected stepWeight or stepWeights .*found none$/,
    },
    {
      name: 'stepWeight 0 alone',
      edits: { ...noSteps, 'spec.analysis.stepWeight': 0 },
      path: 'spec.analysis',
      message: /found none$/,
    },
    {
      name: 'stepWeights starting at 0',
      edits: { ...noSteps, 'spec.analysis.stepWeights': [0, 10] },
      path: 'spec.analysis.stepWeights[0]',
      message: /^expected a weight > 0, got 0$/,
    },
    {
      name: 'stepWeights not increasing',
      edits: { ...noSteps, 'spec.analysis.stepWeights': [10, 20, 20] },
      path: 'spec.analysis.stepWeights[2]',
      message: /^expected a weight greater than the previous step \(20\), got 20$/,
    },
    {
      name: 'stepWeights decreasing',
      edits: { ...noSteps, 'spec.analysis.stepWeights': [10, 50, 30] },
      path: 'spec.analysis.stepWeights[2]',
      message: /previous step \(50\), got 30/,
    },
    {
      name: 'maxWeight below stepWeight',
      edits: { 'spec.analysis.maxWeight': 5, 'spec.analysis.stepWeight': 10 },
      path: 'spec.analysis.maxWeight',
      message: /^expected maxWeight ≥ stepWeight \(10\), got 5$/,
    },
    {
      name: 'A/B match without iterations',
      edits: { ...noSteps, 'spec.analysis.match': [{ headers: { 'x-canary': { exact: 'insider' } } }] },
      path: 'spec.analysis.iterations',
      message: /^required with analysis.match \(A\/B testing\); expected an iteration count > 0/,
    },
    {
      name: 'A/B match with steps but no iterations',
      edits: { 'spec.analysis.match': [{ headers: { 'x-canary': { exact: 'insider' } } }] },
      path: 'spec.analysis.iterations',
      message: /A\/B testing/,
    },
    {
      name: 'kubernetes provider without iterations',
      edits: { 'spec.provider': 'kubernetes' },
      path: 'spec.analysis.iterations',
      message: /^required with provider kubernetes \(blue\/green only\)/,
    },
    {
      name: 'mirror on App Mesh',
      edits: {
        ...bg,
        'spec.provider': 'appmesh',
        'spec.service.meshName': 'global',
        'spec.analysis.mirror': true,
      },
      path: 'spec.analysis.mirror',
      message: /^traffic mirroring requires provider istio or gatewayapi, got provider "appmesh"$/,
    },
    {
      name: 'mirror on kubernetes',
      edits: { ...bg, 'spec.provider': 'kubernetes', 'spec.analysis.mirror': true },
      path: 'spec.analysis.mirror',
      message: /requires provider istio or gatewayapi/,
    },
    {
      name: 'App Mesh without meshName',
      edits: { 'spec.provider': 'appmesh' },
      path: 'spec.service.meshName',
      message: /^required when provider is appmesh; expected the App Mesh mesh name/,
    },
    {
      name: 'metric neither builtin nor query nor templateRef',
      edits: { 'spec.analysis.metrics[1]': { name: 'error-rate', threshold: 1 } },
      path: 'spec.analysis.metrics[1].name',
      message:
        /^expected a builtin metric \(request-success-rate, request-duration\) or a query or templateRef, got name "error-rate" alone$/,
    },
    {
      name: 'builtin without threshold',
      edits: { 'spec.analysis.metrics[1]': { name: 'request-duration', interval: '30s' } },
      path: 'spec.analysis.metrics[1].threshold',
      message:
        /^builtin metric "request-duration" needs threshold or thresholdRange \(or compare, to judge it against the primary\); expected a number, got nothing$/,
    },
    {
      name: 'legacy builtin without threshold',
      edits: { 'spec.analysis.metrics[0]': { name: 'istio_requests_total' } },
      path: 'spec.analysis.metrics[0].threshold',
      message: /needs threshold or thresholdRange/,
    },
    {
      name: 'Istio metric name on App Mesh',
      edits: {
        'spec.provider': 'appmesh',
        'spec.service.meshName': 'global',
        'spec.analysis.metrics[0]': { name: 'istio_requests_total', threshold: 99 },
      },
      path: 'spec.analysis.metrics[0].name',
      message:
        /^"istio_requests_total" is a metric of provider istio\/gatewayapi, not appmesh; use "request-success-rate"$/,
    },
    {
      name: 'thresholdRange min > max',
      edits: { 'spec.analysis.metrics[0].thresholdRange': { min: 99, max: 90 } },
      path: 'spec.analysis.metrics[0].thresholdRange',
      message: /^expected min ≤ max, got min 99 > max 90$/,
    },
    {
      name: 'duplicate webhook names',
      edits: { 'spec.analysis.webhooks[1]': hook('smoke'), 'spec.analysis.webhooks[2]': hook('load-test') },
      path: 'spec.analysis.webhooks[2].name',
      message: /^expected a unique webhook name, got "load-test" \(also webhooks\[0\]\)$/,
    },
    {
      name: 'webhook url not http',
      edits: { 'spec.analysis.webhooks[0].url': 'ftp://loadtester/' },
      path: 'spec.analysis.webhooks[0].url',
      message: /^expected an http or https URL, got "ftp:\/\/loadtester\/"$/,
    },
  ])('$name → $path', ({ edits, path, message }) => {
    const errs = errorsFor(edits);
    const found = errs.find((e) => e.path === path);
    expect(found, formatErrors(errs)).toBeDefined();
    expect(found?.message).toMatch(message);
  });
});

describe('accepted manifests', () => {
  it.each([
    {
      name: 'gatewayapi:v1beta1',
      edits: { 'spec.provider': 'gatewayapi:v1beta1', 'spec.service.gatewayRefs': [{ name: 'gw' }] },
    },
    {
      name: 'plain gatewayapi',
      edits: { 'spec.provider': 'gatewayapi', 'spec.service.gatewayRefs': [{ name: 'gw' }] },
    },
    {
      name: 'appmesh with meshName',
      edits: { 'spec.provider': 'appmesh', 'spec.service.meshName': 'global' },
    },
    {
      name: 'Istio blue/green mirroring',
      edits: {
        ...bg,
        'spec.provider': 'istio',
        'spec.analysis.mirror': true,
        'spec.analysis.mirrorWeight': 50,
      },
    },
    { name: 'mirror without an explicit provider', edits: { ...bg, 'spec.analysis.mirror': true } },
    { name: 'stepWeights only', edits: { ...noSteps, 'spec.analysis.stepWeights': [1, 2, 5, 10, 100] } },
    { name: 'skipAnalysis without steps', edits: { ...noSteps, 'spec.skipAnalysis': true } },
    {
      name: 'no analysis at all but skipAnalysis',
      edits: { 'spec.analysis': undefined, 'spec.skipAnalysis': true },
    },
    { name: 'maxWeight equal to stepWeight', edits: { 'spec.analysis.maxWeight': 10 } },
    {
      name: 'custom query with threshold',
      edits: { 'spec.analysis.metrics[1]': { name: 'errors', query: 'sum(rate(x[1m]))', threshold: 5 } },
    },
    {
      name: 'templateRef with thresholdRange',
      edits: {
        'spec.analysis.metrics[1]': {
          name: 'errors',
          templateRef: { name: 'error-rate' },
          thresholdRange: { max: 1 },
        },
      },
    },
    { name: 'thresholdRange min only', edits: { 'spec.analysis.metrics[0].thresholdRange': { min: 0 } } },
    {
      name: 'DaemonSet target without an autoscaler',
      edits: {
        'spec.targetRef': { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'podinfo' },
        'spec.autoscalerRef': undefined,
      },
    },
    {
      name: 'KEDA ScaledObject (ignored)',
      edits: {
        'spec.autoscalerRef': { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'podinfo' },
      },
    },
  ])('$name', ({ edits }) => {
    const r = parseCanary(aManifest(edits));
    expect(r.ok, r.ok ? '' : formatErrors(r.errors)).toBe(true);
  });
});
