/**
 * What an AWS request *is*, read from the wire only: the IAM action (service prefix + operation
 * name) and the ARNs of the resources it touches (table, index, queue, bus, parameter, secret,
 * role, cluster). The stack test derives permissions from this, never from a list of what the
 * code is believed to call.
 */
import type { Received, SignedBy } from './sigv4.js';

/** One request's identity for IAM. */
export interface AwsOperation {
  /** IAM service prefix (`dynamodb`, `sqs`, `events`, `ssm`, `secretsmanager`, `sts`, `eks`, `cloudwatch`). */
  service: string;
  /** Operation name as in the API reference (`GetItem`, `SendMessageBatch`, …). */
  operation: string;
  /** The parsed request parameters (JSON body, form fields or path parameters). */
  input: Record<string, any>;
  /** ARNs of every resource the operation touches; `*` when the action has no resource type. */
  resources: string[];
  /** Wire protocol, for the shape of answers and errors. */
  protocol: 'json' | 'query' | 'rest-json';
}

/**
 * Operations IAM authorizes under another action: SQS's batch operations need the permission of
 * the single operation ("Amazon SQS batch actions", SQS Developer Guide). Everything else is
 * authorized as `<prefix>:<Operation>`.
 */
const AUTHORIZED_AS: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
};

/** The IAM action that authorizes an operation. */
export function iamAction(op: Pick<AwsOperation, 'service' | 'operation'>): string {
  const name = `${op.service}:${op.operation}`;
  return AUTHORIZED_AS[name] ?? name;
}

/** Signing names whose IAM prefix differs. */
const PREFIX: Record<string, string> = { monitoring: 'cloudwatch', 'execute-api': 'execute-api' };

/** Reads the operation from a signed request; throws when the request names no operation. */
export function operationOf(req: Received, by: SignedBy, account: string): AwsOperation {
  const service = PREFIX[by.service] ?? by.service;
  const arn = (svc: string, resource: string) => `arn:aws:${svc}:${by.region}:${account}:${resource}`;
  const target = req.headers['x-amz-target'];
  if (target) {
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const input = (req.body ? JSON.parse(req.body) : {}) as Record<string, any>;
    return {
      service,
      operation,
      input,
      protocol: 'json',
      resources: resourcesOf(service, operation, input, arn),
    };
  }
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const input = Object.fromEntries(new URLSearchParams(req.body)) as Record<string, any>;
    const operation = String(input.Action);
    return {
      service,
      operation,
      input,
      protocol: 'query',
      resources: resourcesOf(service, operation, input, arn),
    };
  }
  if (service === 'eks') {
    const m = /^\/clusters\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && m) {
      const input = { name: decodeURIComponent(m[1]!) };
      return {
        service,
        operation: 'DescribeCluster',
        input,
        protocol: 'rest-json',
        resources: [arn('eks', `cluster/${input.name}`)],
      };
    }
  }
  throw new Error(`unrecognised ${service} request ${req.method} ${req.path}`);
}

type Arn = (service: string, resource: string) => string;

function resourcesOf(service: string, op: string, input: Record<string, any>, arn: Arn): string[] {
  switch (service) {
    case 'dynamodb':
      return dynamoResources(op, input, arn);
    case 'sqs':
      return [arn('sqs', queueName(String(input.QueueUrl)))];
    case 'events':
      return ((input.Entries ?? []) as { EventBusName?: string }[]).map((e) => busArn(e.EventBusName, arn));
    case 'ssm':
      return [arn('ssm', `parameter/${String(input.Name).replace(/^\//, '')}`)];
    case 'secretsmanager':
      return [secretArn(String(input.SecretId), arn)];
    case 'sts':
      return op === 'AssumeRole' ? [String(input.RoleArn)] : ['*'];
    case 'cloudwatch':
      return ['*'];
    case 'aps':
      return ['*'];
    default:
      throw new Error(`no resource rule for ${service}:${op}`);
  }
}

function dynamoResources(op: string, input: Record<string, any>, arn: Arn): string[] {
  const table = (name: string) => arn('dynamodb', `table/${name}`);
  if (op === 'BatchGetItem' || op === 'BatchWriteItem')
    return Object.keys(input.RequestItems ?? {}).map(table);
  if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
    return (input.TransactItems as Record<string, { TableName: string }>[]).map((i) =>
      table(Object.values(i)[0]!.TableName),
    );
  }
  const name = String(input.TableName);
  if ((op === 'Query' || op === 'Scan') && input.IndexName)
    return [`${table(name)}/index/${String(input.IndexName)}`];
  return [table(name)];
}

/**
 * The condition keys IAM evaluates for a request, as far as our roles use them:
 * `dynamodb:LeadingKeys`, the partition key values an item operation or a Query of the table
 * touches (`hashKeys`: the partition key attribute of each table). A Query of an index, or a
 * request whose partition cannot be read from the wire, gets none.
 */
export function conditionKeys(
  op: AwsOperation,
  hashKeys: ReadonlyMap<string, string>,
): Record<string, string[]> {
  if (op.service !== 'dynamodb') return {};
  const hash = hashKeys.get(String(op.input.TableName));
  if (!hash) return {};
  const value = (v: unknown) => (v as { S?: string } | undefined)?.S;
  let leading: string | undefined;
  if (['GetItem', 'UpdateItem', 'DeleteItem'].includes(op.operation)) leading = value(op.input.Key?.[hash]);
  if (op.operation === 'PutItem') leading = value(op.input.Item?.[hash]);
  if (op.operation === 'Query' && !op.input.IndexName) {
    const names = (op.input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    for (const m of String(op.input.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
      if ((names[m[1]!] ?? m[1]) === hash) leading = value(op.input.ExpressionAttributeValues?.[m[2]!]);
    }
  }
  return leading === undefined ? {} : { 'dynamodb:LeadingKeys': [leading] };
}

/** The queue name is the last path segment of its URL. */
export function queueName(url: string): string {
  return new URL(url).pathname.split('/').pop()!;
}

function busArn(nameOrArn: string | undefined, arn: Arn): string {
  if (nameOrArn?.startsWith('arn:')) return nameOrArn;
  return arn('events', `event-bus/${nameOrArn ?? 'default'}`);
}

/** Secrets Manager ARNs end in `-` and six random characters; ours are fixed for the test. */
export function secretArn(idOrArn: string, arn: Arn): string {
  return idOrArn.startsWith('arn:') ? idOrArn : arn('secretsmanager', `secret:${idOrArn}-Ab12Cd`);
}

/** The secret's name from its id or ARN. */
export function secretName(idOrArn: string): string {
  return idOrArn.startsWith('arn:') ? idOrArn.split(':secret:')[1]!.replace(/-[A-Za-z0-9]{6}$/, '') : idOrArn;
}
