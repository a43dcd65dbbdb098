/**
 * Kubernetes object names as the API server validates them (apimachinery's validation): a
 * namespace or a cluster name is a DNS-1123 label, most object names a DNS-1123 subdomain, a
 * Service name a DNS-1035 label. One home for these rules: the manifest schema, the cluster
 * registration and the API's path segments and query parameters all use them.
 */
import { z } from 'zod';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A kind of name: its rule, its length limit and how messages describe it. */
export interface NameRule {
  pattern: RegExp;
  max: number;
  describe: string;
}

/** Namespaces, cluster names: lower-case letters, digits and `-`, at most 63. */
export const label: NameRule = {
  pattern: LABEL,
  max: 63,
  describe: 'a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)',
};

/** Object names (Canary, Deployment, MetricTemplate…): labels joined by dots, at most 253. */
export const subdomain: NameRule = {
  pattern: SUBDOMAIN,
  max: 253,
  describe: 'a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters)',
};

/** Service names: a DNS-1123 label that starts with a letter. */
export const serviceName: NameRule = {
  pattern: DNS1035,
  max: 63,
  describe:
    'a DNS-1035 label (lower-case letters, digits and "-", starting with a letter, at most 63 characters)',
};

/** Why `value` is not a valid name of this rule, or undefined when it is. */
export function nameProblem(rule: NameRule, value: string): string | undefined {
  if (value.length > rule.max) return `expected ${rule.describe}, got a string of length ${value.length}`;
  if (!rule.pattern.test(value)) return `expected ${rule.describe}, got ${JSON.stringify(value)}`;
  return undefined;
}

/** The rule as a zod string schema (its message reads "expected <describe>, got …"). */
export function nameSchema(rule: NameRule): z.ZodString {
  return z.string().max(rule.max).regex(rule.pattern, rule.describe);
}
