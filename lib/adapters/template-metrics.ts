/**
 * The metrics provider of a MetricTemplate, chosen by its `provider.type` (an exhaustive switch:
 * a type the parser let through but nothing here serves is a compile error, never a fallback).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { MetricsProvider, MetricTemplate } from '../ports/metrics.js';
import { cloudWatchProvider } from './cloudwatch/provider.js';
import type { AwsCredentialsProvider } from './prometheus/auth.js';
import { datadogTemplateProvider } from './datadog/factory.js';
import { templateProvider } from './prometheus/factory.js';

/** What every template provider may need. */
export interface TemplateMetricsOptions {
  /** Reads the secret a template's `secretRef` names. */
  secret: (name: string) => Promise<string>;
  /** The check's interval (Datadog and CloudWatch query ten of them); default 60 s. */
  intervalSeconds?: number;
  now: () => number;
  /** How the cluster's addresses are reached (its service proxy for in-cluster ones). */
  fetch?: typeof globalThis.fetch;
  /** AWS credentials for SigV4 (AMP workspaces). */
  credentials?: AwsCredentialsProvider;
  /** A CloudWatch client of `region` (default: the deployment's) with the cluster's credentials. */
  cloudWatch?: (region?: string) => { client: Pick<CloudWatchClient, 'send'>; region: string };
}

/** The provider serving `template`'s server. */
export function templateMetrics(template: MetricTemplate, o: TemplateMetricsOptions): MetricsProvider {
  const provider = template.provider;
  switch (provider.type) {
    case 'prometheus':
      return templateProvider({ ...template, provider }, o.secret, o.fetch, o.credentials);
    case 'datadog':
      return datadogTemplateProvider({ ...template, provider }, o);
    case 'cloudwatch': {
      if (!o.cloudWatch)
        throw new Error('CloudWatch templates need a CloudWatch client (the step wiring passes one)');
      const { client, region } = o.cloudWatch(provider.region);
      const label = template.label ?? `template ${template.namespace}/${template.name}`;
      return cloudWatchProvider({ client, region, label, now: o.now, intervalSeconds: o.intervalSeconds });
    }
    default: {
      const never: never = provider;
      throw new Error(`unknown MetricTemplate provider ${JSON.stringify(never)}`);
    }
  }
}
