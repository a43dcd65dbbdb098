/**
 * The CloudFormation template `osls package` writes (offline, no AWS credentials): resources,
 * wiring and least privilege. CI runs `npm run package` before the tests; a local run packages
 * first when the template is missing or older than serverless.yml.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../../lib/adapters/dynamodb/table.js';
import { CLAIM_MS, STEP_DEADLINE_MS } from '../../../lib/app/step-deadline.js';
import { ensurePackaged } from '../../stack/package.js';

type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

beforeAll(() => {
  const templatePath = `${ensurePackaged()}/cloudformation-template-update-stack.json`;
  resources = (JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, Resource> })
    .Resources;
}, 300_000);

describe('serverless.yml template', () => {
  it('declares the seven functions on nodejs22.x arm64, each with its own role', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns.map(([n]) => n).sort()).toEqual([
      'ApiLambdaFunction',
      'DispatchLambdaFunction',
      'LoadtesterLambdaFunction',
      'NotifyLambdaFunction',
      'SlackLambdaFunction',
      'StepLambdaFunction',
      'SweepLambdaFunction',
    ]);
    const roles = new Set<string>();
    for (const [, f] of fns) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      expect(f.Properties.Architectures).toEqual(['arm64']);
      roles.add(JSON.stringify(f.Properties.Role));
    }
    expect(roles.size).toBe(7);
  });

  it('stops a step within its claim: the deadline < the step function timeout ≤ the claim', () => {
    const timeoutMs = (resources.StepLambdaFunction!.Properties.Timeout as number) * 1000;
    expect(STEP_DEADLINE_MS).toBeLessThan(timeoutMs);
    expect(timeoutMs).toBeLessThanOrEqual(CLAIM_MS);
  });

  it('keeps secrets out of environment values', () => {
    for (const [, f] of ofType('AWS::Lambda::Function')) {
      const env = (f.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(env)) {
        expect(k).not.toMatch(/TOKEN|PASSWORD|SECRET$|WEBHOOK_URL|SLACK_URL$/);
        if (typeof v === 'string') expect(v).not.toMatch(/hooks\.slack\.com|Bearer /);
      }
      expect(env.SLACK_URL_PARAMETER).toMatch(/^\/flagger-serverless\/dev\/slack-url$/);
    }
  });

  it('has the table with the same keys and due index as the code, TTL and point-in-time recovery', () => {
    const table = resources.CanaryTable!.Properties;
    const code = tableDefinition('x');
    expect(table.KeySchema).toEqual(code.KeySchema);
    expect(table.AttributeDefinitions).toEqual(code.AttributeDefinitions);
    expect(table.GlobalSecondaryIndexes).toEqual(code.GlobalSecondaryIndexes);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
  });

  it('wires schedule → dispatch, queue (with DLQ) → step, sweep queue → sweep, bus rule → notify', () => {
    const schedule = ofType('AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression);
    expect(schedule![1].Properties.ScheduleExpression).toBe('rate(1 minute)');
    const queue = resources.StepQueue!.Properties;
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['StepDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 3,
    });
    expect(queue.VisibilityTimeout).toBeGreaterThan(
      resources.StepLambdaFunction!.Properties.Timeout as number,
    );
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
    expect(
      mappings.map((m) => [JSON.stringify(m.EventSourceArn), JSON.stringify(m.FunctionName)]).sort(),
    ).toEqual([
      [
        JSON.stringify({ 'Fn::GetAtt': ['StepQueue', 'Arn'] }),
        JSON.stringify({ 'Fn::GetAtt': ['StepLambdaFunction', 'Arn'] }),
      ],
      [
        JSON.stringify({ 'Fn::GetAtt': ['SweepQueue', 'Arn'] }),
        JSON.stringify({ 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] }),
      ],
    ]);
    for (const m of mappings)
      expect(m).toMatchObject({ BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(resources.SweepQueue!.Properties.VisibilityTimeout).toBeGreaterThan(
      resources.SweepLambdaFunction!.Properties.Timeout as number,
    );
    const busRule = ofType('AWS::Events::Rule').find(([, r]) => r.Properties.EventPattern);
    expect(busRule![1].Properties.EventPattern).toEqual({ source: ['flagger-serverless'] });
    expect(JSON.stringify(busRule![1].Properties.Targets)).toContain('NotifyLambdaFunction');
  });

  it('protects every API route with IAM authorization except the OpenAPI document, the status page and Slack', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [
      r.Properties.RouteKey,
      r.Properties.AuthorizationType,
    ]);
    expect(routes.length).toBeGreaterThanOrEqual(8);
    // The page checks its own session (functions/api/ui.ts); its login links are minted under IAM.
    // Slack signs its own requests (functions/slack).
    const open = ['GET /openapi.json', 'GET /ui', 'ANY /ui/{proxy+}', 'POST /slack/interactions'];
    for (const [key, auth] of routes) expect(auth, key).toBe(open.includes(key) ? undefined : 'AWS_IAM');
    expect(routes).toContainEqual(['POST /login-links', 'AWS_IAM']);
  });

  it('throttles the Slack route on the stage, created after the route it names', () => {
    const stage = resources.HttpApiStage as Resource & { DependsOn?: string[] };
    expect(stage.Properties.RouteSettings['POST /slack/interactions']).toEqual({
      ThrottlingBurstLimit: 20,
      ThrottlingRateLimit: 5,
    });
    expect(stage.DependsOn).toContain('HttpApiRoutePostSlackInteractions');
    const slack = resources.SlackLambdaFunction!.Properties;
    expect(JSON.stringify(slack.Environment.Variables)).not.toMatch(/AWS_IAM|authorizer/);
  });

  it('puts no buttons on Slack messages until the slackButtons parameter says clicks are answered', () => {
    const withButtons = ofType('AWS::Lambda::Function').filter(
      ([, f]) => (f.Properties.Environment?.Variables as Record<string, unknown> | undefined)?.SLACK_BUTTONS,
    );
    expect(withButtons.map(([id, f]) => [id, f.Properties.Environment.Variables.SLACK_BUTTONS])).toEqual([
      ['NotifyLambdaFunction', 'false'],
    ]);
  });

  it('lets only the slack function read the Slack signing secret', () => {
    const rows = ofType('AWS::IAM::Role').flatMap(([id, r]) =>
      (r.Properties.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[]).flatMap((p) =>
        p.PolicyDocument.Statement.filter((st) =>
          JSON.stringify(st.Action ?? '').includes('ssm:GetParameter'),
        ).map(
          (st) =>
            `${id} ${String(st.Effect)} ${JSON.stringify(st.Resource).split('parameter/flagger-serverless/dev/')[1]}`,
        ),
      ),
    );
    expect(rows.sort()).toEqual([
      'NotifyRole Allow slack-url"}',
      'SlackRole Allow slack-signing-secret"}',
      'StepRole Allow *"}',
      'StepRole Deny slack-signing-secret"}',
      'SweepRole Allow *"}',
      'SweepRole Deny slack-signing-secret"}',
    ]);
  });

  /** Every statement of every role; a conditional one (`Fn::If`) as its statement when true. */
  function policyStatements(): Record<string, unknown>[] {
    return ofType('AWS::IAM::Role').flatMap(([, r]) =>
      (r.Properties.Policies ?? []).flatMap(
        (p: { PolicyDocument: { Statement: Record<string, unknown>[] } }) =>
          p.PolicyDocument.Statement.map((s) => {
            const branch = s['Fn::If'] as [string, Record<string, unknown>, unknown] | undefined;
            return branch ? branch[1] : s;
          }),
      ),
    );
  }

  /** Actions without a resource type: IAM accepts only the resource "*" for them. */
  const NO_RESOURCE_TYPE = new Set(['cloudwatch:GetMetricData']);

  it('grants no IAM action "*" and no resource "*" (but to actions that have no resource type)', () => {
    const statements = policyStatements();
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) {
      const actions = ([] as unknown[]).concat(s.Action);
      const res = ([] as unknown[]).concat(s.Resource);
      expect(
        actions.every((a) => typeof a === 'string' && !a.includes('*')),
        JSON.stringify(s),
      ).toBe(true);
      const unscopable = actions.every((a) => NO_RESOURCE_TYPE.has(a as string));
      expect(res.includes('*') && !unscopable, JSON.stringify(s)).toBe(false);
    }
  });

  it('lets only the step role read CloudWatch metrics', () => {
    const readers = ofType('AWS::IAM::Role')
      .filter(([, r]) => JSON.stringify(r.Properties.Policies ?? []).includes('cloudwatch:'))
      .map(([name]) => name);
    expect(readers).toEqual(['StepRole']);
  });

  it('gives dispatch no write access to the table, the sweep only to canary and sourced partitions (GitOps), notify no access to the step queue', () => {
    const policy = (role: string) => JSON.stringify(resources[role]!.Properties.Policies);
    expect(policy('DispatchRole')).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem)/);
    // Registering and deleting from Canary objects (docs/gitops.md): one statement, canary rows only.
    const sweep = (resources.SweepRole!.Properties.Policies as { PolicyDocument: { Statement: any[] } }[])
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((st) => /dynamodb:(PutItem|UpdateItem|DeleteItem)/.test(JSON.stringify(st.Action ?? null)));
    expect(sweep.map((st) => st.Sid)).toEqual(['SweepRegisterCanaryObjects', 'SweepSourceClusterObjects']);
    expect(sweep[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['C#*'] } });
    // MetricTemplates and AlertProviders sourced from clusters: their own partitions `S#<cluster>` only.
    expect(sweep[1].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['S#*'] } });
    expect(policy('NotifyRole')).not.toContain('StepQueue');
    expect(policy('LoadtesterRole')).not.toContain('eks:');
  });

  it('confines the load tester role to the gates and, read only, the grants (partitions D#gate, D#grant)', () => {
    const statements = (
      resources.LoadtesterRole!.Properties.Policies as { PolicyDocument: { Statement: any[] } }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
    expect(
      statements.map((st) => [
        st.Sid,
        st.Action,
        st.Condition['ForAllValues:StringEquals']['dynamodb:LeadingKeys'],
      ]),
    ).toEqual([
      ['LoadtesterGates', ['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['D#gate']],
      ['LoadtesterReadGrants', ['dynamodb:Query'], ['D#grant']],
    ]);
  });

  it("answers HTTP requests within API Gateway's 30 s and gives every statement a Sid", () => {
    for (const fn of ['ApiLambdaFunction', 'LoadtesterLambdaFunction'])
      expect(resources[fn]!.Properties.Timeout, fn).toBeLessThan(30);
    expect(policyStatements().filter((s) => !s.Sid)).toEqual([]);
  });

  it('alarms on both dead-letter queues, step errors and throttles, sweep errors and a stopped dispatch', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(
      ([, a]) => `${a.Properties.MetricName} ${JSON.stringify(a.Properties.Dimensions)}`,
    );
    expect(alarms).toHaveLength(6);
    expect(alarms.join('\n')).toMatch(/Errors .*SweepLambdaFunction/);
    expect(alarms.join('\n')).toMatch(/ApproximateNumberOfMessagesVisible .*StepDeadLetterQueue/);
    expect(alarms.join('\n')).toMatch(/ApproximateNumberOfMessagesVisible .*NotifyDeadLetterQueue/);
    expect(alarms.join('\n')).toMatch(/Errors .*StepLambdaFunction/);
    expect(alarms.join('\n')).toMatch(/Throttles .*StepLambdaFunction/);
    expect(alarms.join('\n')).toMatch(/Invocations .*DispatchLambdaFunction/);
  });
});
