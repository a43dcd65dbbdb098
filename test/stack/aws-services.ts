/**
 * The answers of the local AWS endpoint, per service, in each service's wire format. Only what the
 * stack uses is implemented; anything else is an error that names the operation, so a new call in
 * the code shows up here first.
 */
import { randomUUID } from 'node:crypto';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Datapoints, MetricSource } from '../../sandbox/cloudwatch/get-metric-data.js';
import { answerCloudWatch } from '../../sandbox/cloudwatch/server.js';
import { escapeXml, jsonError, md5, xmlError, type Answer } from './aws.js';
import { queueName, secretArn, secretName, type AwsOperation } from './aws-requests.js';
import type { Principal } from './iam.js';
import type { Received } from './sigv4.js';
import { ACCOUNT, REGION } from './template.js';

/** A message in a local SQS queue. */
export interface QueuedMessage {
  id: string;
  body: string;
  /** Epoch ms from which it may be received. */
  visibleAt: number;
  receiveCount: number;
}

/** A role other principals may assume: its trust policy and the principal it becomes. */
interface AssumableRole {
  trustPolicy: unknown;
  principal: Principal;
}

/** Everything the endpoint keeps. */
export interface AwsState {
  dynamoEndpoint: string;
  queues: Map<string, QueuedMessage[]>;
  parameters: Map<string, string>;
  secrets: Map<string, string>;
  clusters: Map<string, { endpoint: string; caData: string }>;
  roles: Map<string, AssumableRole>;
  /** Each table's partition key attribute (for the `dynamodb:LeadingKeys` condition key). */
  hashKeys: Map<string, string>;
  /** EventBridge entries accepted by PutEvents, per bus name. */
  onEvents(bus: string, entries: Record<string, unknown>[]): void;
  issueCredentials(p: Principal): { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export async function answerService(
  state: AwsState,
  op: AwsOperation,
  req: Received,
  caller: Principal,
): Promise<Answer> {
  const key = `${op.service}:${op.operation}`;
  switch (key) {
    case 'sqs:SendMessage':
    case 'sqs:SendMessageBatch':
      return sqsSend(state, op);
    case 'events:PutEvents':
      return putEvents(state, op);
    case 'ssm:GetParameter':
      return getParameter(state, op);
    case 'secretsmanager:GetSecretValue':
      return getSecret(state, op);
    case 'sts:AssumeRole':
      return assumeRole(state, op, caller);
    case 'sts:GetCallerIdentity':
      return xml(
        'GetCallerIdentity',
        `<Arn>${caller.arn}</Arn><UserId>${caller.name}</UserId><Account>${ACCOUNT}</Account>`,
      );
    case 'eks:DescribeCluster':
      return describeCluster(state, op);
    case 'cloudwatch:GetMetricData':
      return answerCloudWatch(req.headers['x-amz-target'], op.input, steadyAlb);
  }
  if (op.service === 'dynamodb') return forward(state.dynamoEndpoint, req);
  throw new Error(`the local AWS endpoint does not implement ${key}`);
}

function json(body: unknown, type = 'application/x-amz-json-1.0'): Answer {
  return { status: 200, headers: { 'content-type': type }, body: JSON.stringify(body) };
}

function xml(operation: string, result: string): Answer {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${operation}Result>${result}</${operation}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

function sqsSend(state: AwsState, op: AwsOperation): Answer {
  const name = queueName(String(op.input.QueueUrl));
  const queue = state.queues.get(name);
  if (!queue) return jsonError(400, 'QueueDoesNotExist', `The specified queue ${name} does not exist.`);
  const entries: { Id?: string; MessageBody: string; DelaySeconds?: number }[] =
    op.operation === 'SendMessage' ? [op.input as { MessageBody: string }] : (op.input.Entries as never);
  const done = entries.map((e) => {
    const m = {
      id: randomUUID(),
      body: e.MessageBody,
      visibleAt: Date.now() + (e.DelaySeconds ?? 0) * 1000,
      receiveCount: 0,
    };
    queue.push(m);
    return { Id: e.Id, MessageId: m.id, MD5OfMessageBody: md5(e.MessageBody) };
  });
  return op.operation === 'SendMessage' ? json(done[0]) : json({ Successful: done, Failed: [] });
}

function putEvents(state: AwsState, op: AwsOperation): Answer {
  const entries = (op.input.Entries ?? []) as Record<string, unknown>[];
  const byBus = new Map<string, Record<string, unknown>[]>();
  for (const e of entries) {
    const bus = ((e.EventBusName as string | undefined) ?? 'default').split('/').pop()!;
    byBus.set(bus, [...(byBus.get(bus) ?? []), e]);
  }
  for (const [bus, list] of byBus) state.onEvents(bus, list);
  return json(
    { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) },
    'application/x-amz-json-1.1',
  );
}

function getParameter(state: AwsState, op: AwsOperation): Answer {
  const name = String(op.input.Name);
  const value = state.parameters.get(name);
  if (value === undefined) return jsonError(400, 'ParameterNotFound', `parameter ${name} not found`);
  return json(
    {
      Parameter: {
        Name: name,
        Type: 'SecureString',
        Value: value,
        Version: 1,
        DataType: 'text',
        ARN: op.resources[0],
      },
    },
    'application/x-amz-json-1.1',
  );
}

function getSecret(state: AwsState, op: AwsOperation): Answer {
  const name = secretName(String(op.input.SecretId));
  const value = state.secrets.get(name);
  if (value === undefined)
    return jsonError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  const arn = secretArn(name, (s, r) => `arn:aws:${s}:${REGION}:${ACCOUNT}:${r}`);
  return json(
    {
      ARN: arn,
      Name: name,
      SecretString: value,
      VersionId: randomUUID(),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
    },
    'application/x-amz-json-1.1',
  );
}

async function assumeRole(state: AwsState, op: AwsOperation, caller: Principal): Promise<Answer> {
  const roleArn = String(op.input.RoleArn);
  const role = state.roles.get(roleArn);
  if (!role) return xmlError(403, 'AccessDenied', `role ${roleArn} cannot be assumed (it does not exist)`);
  const trust = await runSimulation(
    {
      request: {
        principal: caller.arn,
        action: 'sts:AssumeRole',
        resource: { resource: roleArn, accountId: roleArn.split(':')[4]! },
        contextVariables: op.input.ExternalId ? { 'sts:ExternalId': String(op.input.ExternalId) } : {},
      },
      identityPolicies: caller.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: role.trustPolicy,
    },
    {},
  );
  if (trust.resultType !== 'single' || trust.overallResult !== 'Allowed')
    return xmlError(
      403,
      'AccessDenied',
      `${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} (trust policy)`,
    );
  const session = String(op.input.RoleSessionName);
  const creds = state.issueCredentials({
    ...role.principal,
    arn: `${roleArn.replace(':role/', ':assumed-role/').replace(':iam:', ':sts:')}/${session}`,
  });
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  return xml(
    'AssumeRole',
    `<Credentials><AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>${escapeXml(creds.secretAccessKey)}</SecretAccessKey><SessionToken>${escapeXml(creds.sessionToken ?? '')}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>${roleArn}/${session}</Arn><AssumedRoleId>AROA:${session}</AssumedRoleId></AssumedRoleUser>`,
  );
}

function describeCluster(state: AwsState, op: AwsOperation): Answer {
  const name = String(op.input.name);
  const c = state.clusters.get(name);
  if (!c)
    return {
      status: 404,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' },
      body: JSON.stringify({ message: `No cluster found for name: ${name}.` }),
    };
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      cluster: {
        name,
        arn: op.resources[0],
        status: 'ACTIVE',
        endpoint: c.endpoint,
        certificateAuthority: { data: c.caData },
      },
    }),
  };
}

async function forward(endpoint: string, req: Received): Promise<Answer> {
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(
      ([k]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k),
    ),
  );
  const res = await fetch(`${endpoint}${req.path}`, {
    method: req.method,
    headers,
    body: req.body || undefined,
  });
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k)) out[k] = v;
  });
  return { status: res.status, headers: out, body: await res.text() };
}

/** CloudWatch's answer for any ALB target group: 100 requests a period, none of them 5XX. */
const steadyAlb: MetricSource = (metric, _stat, period, start, end): Datapoints => {
  const out: Datapoints = new Map();
  const value = metric.MetricName === 'RequestCount' ? 100 : 0;
  for (let t = Math.ceil(start / period) * period; t + period <= end; t += period) out.set(t, value);
  return out;
};
