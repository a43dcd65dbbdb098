/**
 * The packaged stack on one machine: the functions from the zips `osls package` built, each with
 * the template's environment and its role's credentials; the local AWS endpoint (dynalite behind
 * it); the template's HTTP API; and the AWS wiring the template declares — the SQS event source
 * mapping (batch size, partial batch failures, redrive to the DLQ), EventBridge rules (schedule
 * and event patterns, with async-invoke retries and on-failure destinations). What the Lambda
 * service itself does with a function's role (polling the queue, sending to a destination) is
 * checked against that role too.
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LocalAws } from './aws.js';
import type { QueuedMessage } from './aws-services.js';
import { LocalHttpApi } from './gateway.js';
import { IamLedger, rolePrincipal, type Principal } from './iam.js';
import { PackagedFunction } from './lambda.js';
import { ACCOUNT, loadTemplate, REGION, Resolver, resourcesOf, type Template } from './template.js';
import { eventMatches } from './rules.js';

export interface StackOptions {
  /** Directory of `osls package` output (.serverless). */
  dir: string;
  /** CloudFormation parameter values, if the template declares parameters. */
  parameters?: Record<string, string>;
}

/** The failures of the Lambda service side: redeliveries, DLQ moves, failed async invokes. */
export interface Incident {
  function: string;
  what: string;
}

export class PackagedStack {
  readonly ledger = new IamLedger();
  readonly aws: LocalAws;
  readonly api: LocalHttpApi;
  readonly functions = new Map<string, PackagedFunction>();
  readonly incidents: Incident[] = [];
  readonly resolver: Resolver;
  private readonly roles = new Map<string, Principal>();
  private pump?: NodeJS.Timeout;
  private pumping = false;
  private readonly asyncInvokes = new Set<Promise<unknown>>();

  private constructor(
    readonly template: Template,
    private readonly dynamo: { close(): Promise<void> },
    /** The table's DynamoDB endpoint (dynalite), for tests that age or inspect items. */
    readonly dynamoEndpoint: string,
    private readonly opts: StackOptions,
  ) {
    this.aws = new LocalAws(this.ledger, dynamoEndpoint);
    this.resolver = new Resolver(template, {
      awsEndpoint: 'http://pending',
      apiUrl: 'http://pending',
      parameters: opts.parameters,
    });
    this.api = new LocalHttpApi(this.resolver, this.aws.callers, this.ledger, (fn, event) =>
      this.fn(fn).invoke(event),
    );
  }

  static async start(opts: StackOptions): Promise<PackagedStack> {
    const template = loadTemplate(join(opts.dir, 'cloudformation-template-update-stack.json'));
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dynamo = { close: () => new Promise<void>((r) => server.close(() => r())) };
    const stack = new PackagedStack(template, dynamo, endpoint, opts);
    await stack.boot(endpoint);
    return stack;
  }

  private async boot(dynamoEndpoint: string): Promise<void> {
    await this.aws.start();
    await this.api.start();
    this.resolver.standIns = {
      awsEndpoint: this.aws.url,
      apiUrl: this.api.url,
      parameters: this.opts.parameters,
    };
    await this.createTables(dynamoEndpoint);
    for (const [id, q] of resourcesOf(this.template, 'AWS::SQS::Queue'))
      if (this.resolver.exists(id)) this.aws.state.queues.set(q.Properties.QueueName as string, []);
    this.aws.state.onEvents = (bus, entries) => this.route(bus, entries);
    for (const [id, f] of resourcesOf(this.template, 'AWS::Lambda::Function')) {
      const roleId = (f.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const name = (f.Properties.Handler as string).split('/')[1]!;
      const role = this.roleFor(name, roleId);
      const props = this.resolver.resolve(f.Properties) as Record<string, any>;
      const fn = new PackagedFunction(
        {
          name,
          zip: join(this.opts.dir, (props.Code.S3Key as string).split('/').pop()!),
          handler: props.Handler,
          timeoutSeconds: props.Timeout ?? 6,
          memoryMb: props.MemorySize ?? 1024,
          arn: this.resolver.getAtt(id, 'Arn'),
          environment: props.Environment?.Variables ?? {},
          credentials: this.aws.issue(role),
        },
        this.aws.url,
      );
      this.functions.set(id, fn);
    }
    await Promise.all([...this.functions.values()].map((f) => f.start()));
    await this.checkServiceRoles();
    this.pump = setInterval(() => void this.pumpQueues(), 100);
  }

  /** The role principal of one function (for IAM checks and its credentials). */
  roleFor(functionName: string, roleLogicalId: string): Principal {
    const p = this.roles.get(roleLogicalId) ?? rolePrincipal(this.resolver, functionName, roleLogicalId);
    this.roles.set(roleLogicalId, p);
    return p;
  }

  /** The packaged function by logical id (`StepLambdaFunction`) or name (`step`). */
  fn(idOrName: string): PackagedFunction {
    const f =
      this.functions.get(idOrName) ?? [...this.functions.values()].find((x) => x.spec.name === idOrName);
    if (!f) throw new Error(`no packaged function ${idOrName}`);
    return f;
  }

  /** A test user with its own policy, and credentials to sign requests with. */
  user(name: string, statements: unknown[]): { accessKeyId: string; secretAccessKey: string } {
    const principal = {
      name,
      arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
      policies: [{ name: `${name}-policy`, policy: { Version: '2012-10-17', Statement: statements } }],
    };
    return this.aws.issue(principal, false);
  }

  /** Runs every scheduled rule's target once, with the event EventBridge Scheduler sends. */
  async schedule(): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const [id, rule] of resourcesOf(this.template, 'AWS::Events::Rule')) {
      if (!rule.Properties.ScheduleExpression) continue;
      for (const t of rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[]) {
        out.push(
          await this.fn(t.Arn['Fn::GetAtt'][0]).invoke({
            version: '0',
            id: crypto.randomUUID(),
            'detail-type': 'Scheduled Event',
            source: 'aws.events',
            account: ACCOUNT,
            time: new Date().toISOString(),
            region: REGION,
            resources: [this.resolver.getAtt(id, 'Arn')],
            detail: {},
          }),
        );
      }
    }
    return out;
  }

  /** Waits until no queued message is visible or in flight and no async invoke runs. */
  async settle(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const busy = this.pumping || this.asyncInvokes.size > 0 || this.visibleMessages() > 0;
      if (!busy) return;
      if (Date.now() > until) throw new Error('stack did not settle');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    clearInterval(this.pump);
    while (this.pumping) await new Promise((r) => setTimeout(r, 20));
    await Promise.allSettled([...this.asyncInvokes]);
    await Promise.all([...this.functions.values()].map((f) => f.stop()));
    await this.api.close();
    await this.aws.close();
    await this.dynamo.close();
  }

  private visibleMessages(): number {
    const now = Date.now();
    return [...this.aws.state.queues.values()].reduce(
      (n, q) => n + q.filter((m) => m.visibleAt <= now).length,
      0,
    );
  }

  private async createTables(endpoint: string): Promise<void> {
    const admin = new DynamoDBClient({
      region: REGION,
      endpoint,
      credentials: { accessKeyId: 'admin', secretAccessKey: 'admin' },
    });
    try {
      for (const [id, t] of resourcesOf(this.template, 'AWS::DynamoDB::Table')) {
        const p = this.resolver.resolve(t.Properties) as Record<string, any>;
        if (!this.resolver.exists(id)) continue;
        const hash = (p.KeySchema as { AttributeName: string; KeyType: string }[]).find(
          (k) => k.KeyType === 'HASH',
        );
        if (hash) this.aws.state.hashKeys.set(p.TableName as string, hash.AttributeName);
        await admin.send(
          new CreateTableCommand({
            TableName: p.TableName,
            BillingMode: p.BillingMode,
            AttributeDefinitions: p.AttributeDefinitions,
            KeySchema: p.KeySchema,
            GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
          }),
        );
      }
    } finally {
      admin.destroy();
    }
  }

  /**
   * What the Lambda service does with each function's role: manage its network interfaces in a
   * VPC, poll its queue, send to its destination.
   */
  private async checkServiceRoles(): Promise<void> {
    const eni = [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ];
    for (const [id, f] of resourcesOf(this.template, 'AWS::Lambda::Function')) {
      if (!(this.resolver.resolve(f.Properties) as { VpcConfig?: unknown }).VpcConfig) continue;
      for (const action of eni) await this.ledger.evaluate(this.principalOf(this.fn(id)), action, '*');
    }
    for (const [, m] of resourcesOf(this.template, 'AWS::Lambda::EventSourceMapping')) {
      const fn = this.fn((m.Properties.FunctionName as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]);
      const queueArn = this.resolver.resolve(m.Properties.EventSourceArn) as string;
      for (const action of [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ChangeMessageVisibility',
      ])
        await this.ledger.evaluate(this.principalOf(fn), action, queueArn);
    }
    for (const [, c] of resourcesOf(this.template, 'AWS::Lambda::EventInvokeConfig')) {
      const p = this.resolver.resolve(c.Properties) as {
        FunctionName: string;
        DestinationConfig?: { OnFailure?: { Destination: string } };
      };
      const dest = p.DestinationConfig?.OnFailure?.Destination;
      const fn = [...this.functions.values()].find(
        (f) => f.spec.arn.endsWith(`:${p.FunctionName}`) || f.spec.arn === p.FunctionName,
      );
      if (dest && fn) await this.ledger.evaluate(this.principalOf(fn), 'sqs:SendMessage', dest);
    }
  }

  private principalOf(fn: PackagedFunction): Principal {
    return this.aws.callers.get(fn.spec.credentials.accessKeyId)!.principal;
  }

  /** The SQS event source mappings: deliver visible messages to their functions. */
  private async pumpQueues(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (const [, m] of resourcesOf(this.template, 'AWS::Lambda::EventSourceMapping'))
        await this.pumpOne(m.Properties);
    } finally {
      this.pumping = false;
    }
  }

  private async pumpOne(mapping: Record<string, any>): Promise<void> {
    const queueArn = this.resolver.resolve(mapping.EventSourceArn) as string;
    const name = queueArn.split(':').pop()!;
    const queue = this.aws.state.queues.get(name)!;
    const queueProps = resourcesOf(this.template, 'AWS::SQS::Queue').find(
      ([, q]) => q.Properties.QueueName === name,
    )![1].Properties;
    const fn = this.fn((mapping.FunctionName as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]);
    for (;;) {
      const now = Date.now();
      const batch = queue.filter((x) => x.visibleAt <= now).slice(0, (mapping.BatchSize as number) ?? 10);
      if (batch.length === 0) return;
      for (const x of batch) {
        x.visibleAt = now + ((queueProps.VisibilityTimeout as number) ?? 30) * 1000;
        x.receiveCount++;
      }
      let failed: string[];
      try {
        const r = (await fn.invoke({ Records: batch.map((x) => sqsRecord(x, queueArn)) })) as {
          batchItemFailures?: { itemIdentifier: string }[];
        } | null;
        failed = (r?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      } catch (e) {
        failed = batch.map((x) => x.id);
        this.incidents.push({ function: fn.spec.name, what: (e as Error).message.split('\n')[0]! });
      }
      for (const x of batch) {
        if (failed.includes(x.id)) {
          this.incidents.push({
            function: fn.spec.name,
            what: `message ${x.body} failed (receive ${x.receiveCount})`,
          });
          this.redrive(queue, x, queueProps);
        } else queue.splice(queue.indexOf(x), 1);
      }
    }
  }

  private redrive(queue: QueuedMessage[], x: QueuedMessage, props: Record<string, any>): void {
    const policy = this.resolver.resolve(props.RedrivePolicy) as
      { deadLetterTargetArn: string; maxReceiveCount: number } | undefined;
    if (!policy || x.receiveCount < policy.maxReceiveCount) return;
    queue.splice(queue.indexOf(x), 1);
    this.aws.state.queues
      .get(policy.deadLetterTargetArn.split(':').pop()!)!
      .push({ ...x, visibleAt: Date.now() });
  }

  /** EventBridge: match the bus's rules and invoke their targets asynchronously. */
  private route(bus: string, entries: Record<string, unknown>[]): void {
    for (const [, rule] of resourcesOf(this.template, 'AWS::Events::Rule')) {
      const p = this.resolver.resolve(rule.Properties) as Record<string, any>;
      if (!p.EventPattern || (p.EventBusName ?? 'default') !== bus) continue;
      for (const e of entries) {
        const event = {
          version: '0',
          id: crypto.randomUUID(),
          'detail-type': e.DetailType,
          source: e.Source,
          account: ACCOUNT,
          time: new Date().toISOString(),
          region: REGION,
          resources: [],
          detail: JSON.parse((e.Detail as string | undefined) ?? '{}') as unknown,
        };
        if (!eventMatches(p.EventPattern as Record<string, unknown>, event)) continue;
        for (const t of rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[])
          this.invokeAsync(t.Arn['Fn::GetAtt'][0], event);
      }
    }
  }

  /** Lambda's asynchronous invocation: up to 2 retries, then the on-failure destination. */
  private invokeAsync(functionId: string, event: unknown): void {
    const fn = this.fn(functionId);
    const run = (async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          return await fn.invoke(event);
        } catch (e) {
          this.incidents.push({
            function: fn.spec.name,
            what: `async invoke failed: ${(e as Error).message.split('\n')[0]}`,
          });
        }
      }
      const config = resourcesOf(this.template, 'AWS::Lambda::EventInvokeConfig').find(([, c]) =>
        JSON.stringify(c.Properties.FunctionName).includes(functionId),
      );
      const dest =
        config &&
        (this.resolver.resolve(config[1].Properties) as Record<string, any>).DestinationConfig?.OnFailure
          ?.Destination;
      if (dest)
        this.aws.state.queues.get(String(dest).split(':').pop()!)?.push({
          id: crypto.randomUUID(),
          body: JSON.stringify(event),
          visibleAt: Date.now(),
          receiveCount: 0,
        });
      return undefined;
    })();
    this.asyncInvokes.add(run);
    void run.finally(() => this.asyncInvokes.delete(run));
  }
}

function sqsRecord(m: QueuedMessage, queueArn: string) {
  return {
    messageId: m.id,
    receiptHandle: `rh-${m.id}`,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'AROA',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION,
  };
}
