/**
 * A cluster in another AWS account for the stack test: a sandbox behind its own EKS endpoint that
 * admits only the partner account's role, that role (trusting the step and sweep roles with an
 * external ID, allowed eks:DescribeCluster in its account) known to the local STS, and its cluster known to
 * the local EKS.
 */
import { startSandbox, type Sandbox } from '../support/sandbox.js';
import { startEksEndpoint, type EksEndpoint } from './eks.js';
import type { PackagedStack } from './stack.js';

const PARTNER_ACCOUNT = '210987654321';
export const PARTNER_ROLE = `arn:aws:iam::${PARTNER_ACCOUNT}:role/flagger-serverless-access`;
export const EXTERNAL_ID = 'flagger-serverless-prod';

/** The trust policy docs/clusters.md shows, for the step and sweep roles. */
function trustPolicy(roleArns: string[]): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: roleArns },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
      },
    ],
  };
}

export interface PartnerCluster {
  sandbox: Sandbox;
  eks: EksEndpoint;
  close(): Promise<void>;
}

export async function startPartnerCluster(stack: PackagedStack, name: string): Promise<PartnerCluster> {
  const sandbox = await startSandbox({ rolloutDelayMs: 100, namespaces: ['default', 'test'] });
  const eks = await startEksEndpoint({
    clusterName: name,
    sandbox,
    callers: stack.aws.callers,
    mapped: [PARTNER_ROLE],
  });
  stack.aws.state.clusters.set(name, { endpoint: eks.url, caData: eks.caData });
  stack.aws.state.roles.set(PARTNER_ROLE, {
    trustPolicy: trustPolicy([
      stack.roleFor('step', 'StepRole').arn,
      stack.roleFor('sweep', 'SweepRole').arn,
    ]),
    principal: {
      name: 'partner-access',
      arn: PARTNER_ROLE,
      policies: [
        {
          name: 'eks',
          policy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'eks:DescribeCluster',
                Resource: `arn:aws:eks:*:${PARTNER_ACCOUNT}:cluster/*`,
              },
            ],
          },
        },
      ],
    },
  });
  return {
    sandbox,
    eks,
    close: async () => {
      await eks.close();
      await sandbox.close();
    },
  };
}
