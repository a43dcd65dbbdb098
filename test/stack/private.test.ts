/**
 * The stack packaged with the private-cluster parameters (step and sweep in a VPC) and assumable
 * roles:
 * a canary in another account's cluster whose confirm gate is Flagger's in-cluster load tester
 * (`http://flagger-loadtester.test/`, reached through the API server's service proxy) starts its
 * release — with no IAM denial, the VPC's network interfaces included.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  makeLoadtester,
  MemoryGateStore,
  silentLogger,
  startLoadtesterServer,
  type LoadtesterServer,
} from '../../lib/loadtester/index.js';
import { prometheusAvailability } from '../support/prometheus.js';
import { apply, podinfoDeployment } from '../support/release.js';
import { EXTERNAL_ID, PARTNER_ROLE, startPartnerCluster, type PartnerCluster } from './accounts.js';
import { startWorld, until, type World } from './world.js';

const available = prometheusAvailability('stack test (private)');
let w: World;
let partner: PartnerCluster;
let loadtester: LoadtesterServer;

const canary = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis:
    interval: 10s
    threshold: 2
    maxWeight: 50
    stepWeight: 50
    webhooks:
      - { name: approve, type: confirm-rollout, url: "http://flagger-loadtester.test/gate/approve" }
`;

async function phase(want: string): Promise<void> {
  await until(`partner/test/podinfo in ${want}`, async () => {
    await w.stack.schedule();
    const v = await w.client.call<{ status?: { phase?: string } }>('GET', '/canaries/partner/test/podinfo');
    return v.status?.phase === want ? true : undefined;
  });
}

describe.skipIf(available.skip)('the packaged stack in a VPC, for a cluster of another account', () => {
  beforeAll(async () => {
    w = await startWorld({
      parameters: {
        vpcSubnetIds: 'subnet-0a1b,subnet-0c2d',
        vpcSecurityGroupIds: 'sg-0e3f',
        assumableRoles: 'arn:aws:iam::210987654321:role/flagger-serverless-*',
      },
    });
    partner = await startPartnerCluster(w.stack, 'partner');
    loadtester = await startLoadtesterServer(
      makeLoadtester({ gates: new MemoryGateStore(), logger: silentLogger }),
    );
    partner.sandbox.store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'flagger-loadtester', namespace: 'test' },
      spec: { ports: [{ port: 80 }] },
    });
    partner.sandbox.proxyTargets.set({ namespace: 'test', service: 'flagger-loadtester' }, loadtester.url);
  }, 300_000);
  afterAll(async () => {
    await loadtester?.close();
    await partner?.close();
    await w?.close();
  });

  it('runs step and sweep in the subnets, assumes the partner role, and calls the in-cluster gate', async () => {
    onTestFailed(() => console.log(w.report()));
    for (const fn of ['StepLambdaFunction', 'SweepLambdaFunction']) {
      const props = w.stack.resolver.resolve(w.stack.template.Resources[fn]!.Properties) as {
        VpcConfig?: unknown;
      };
      expect(props.VpcConfig, fn).toEqual({
        SubnetIds: ['subnet-0a1b', 'subnet-0c2d'],
        SecurityGroupIds: ['sg-0e3f'],
      });
    }
    const json = (o: unknown) => ({ body: JSON.stringify(o), contentType: 'application/json' });
    const record = {
      name: 'partner',
      kind: 'eks',
      eksClusterName: 'partner',
      region: 'us-east-1',
      assumeRole: { roleArn: PARTNER_ROLE, externalId: EXTERNAL_ID },
    };
    expect((await w.client.request('POST', '/clusters', json(record))).status).toBe(201);
    await apply(partner.sandbox, podinfoDeployment('podinfo:6.0.0'));
    await w.client.request('POST', '/canaries', { query: { cluster: 'partner' }, body: canary });
    await phase('Initialized');
    await apply(partner.sandbox, podinfoDeployment('podinfo:6.0.1'));
    await phase('Progressing');
    await w.stack.settle();

    const proxied = partner.sandbox.selectRequests({ proxied: true }).map((r) => r.path);
    expect(proxied).toContain('/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/approve');
    const eni = w.stack.ledger.calls.filter((c) => c.action.startsWith('ec2:'));
    const actions = [
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:UnassignPrivateIpAddresses',
    ];
    for (const fn of ['step', 'sweep'])
      expect(
        eni
          .filter((c) => c.principal === fn)
          .map((c) => c.action)
          .sort(),
        fn,
      ).toEqual(actions);
    expect(eni).toHaveLength(10);
    expect(
      eni.filter((c) => !(c.allowed && c.allowedBy.includes('AWSLambdaVPCAccessExecutionPermissions'))),
    ).toEqual([]);
    expect(w.stack.ledger.denials()).toEqual([]);
    expect(w.stack.api.refused).toEqual([]);
    expect(w.stack.incidents).toEqual([]);
  }, 300_000);
});
