/**
 * The CloudFormation template `osls package` writes, read the way CloudFormation would deploy it:
 * intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::If with Conditions)
 * are resolved against local stand-ins for the physical resources (a fake account and region, the
 * local AWS endpoint's queue URLs, the local HTTP API's URL). Nothing here knows what the
 * functions need: it only reads what the template says.
 */
import { readFileSync } from 'node:fs';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';
export const API_ID = 'stack0api1';

/** One resource of the template. */
export interface Resource {
  Type: string;
  Properties: Record<string, any>;
  Condition?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Default?: unknown }>;
}

/** Where the stand-ins live: set once the local servers are listening. */
export interface StandIns {
  /** Base URL of the local AWS endpoint (SQS queue URLs point there, as LocalStack's do). */
  awsEndpoint: string;
  /** Base URL of the local HTTP API (replaces https://<api>.execute-api.<region>.amazonaws.com). */
  apiUrl: string;
  /** Template parameter values (CloudFormation `Parameters`), if the template declares any. */
  parameters?: Record<string, string>;
}

export function loadTemplate(path: string): Template {
  return JSON.parse(readFileSync(path, 'utf8')) as Template;
}

/** Resolves intrinsic functions in any value of the template. */
export class Resolver {
  constructor(
    readonly template: Template,
    public standIns: StandIns,
  ) {}

  resolve(value: unknown): any {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return this.localise(value);
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      switch (fn) {
        case 'Ref':
          return this.localise(this.ref(arg as string));
        case 'Fn::GetAtt':
          return this.getAtt(...((arg as string[]).length === 2 ? (arg as [string, string]) : split(arg)));
        case 'Fn::Sub':
          return this.localise(this.sub(arg as string | [string, Record<string, unknown>]));
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return this.localise((this.resolve(parts) as unknown[]).join(sep));
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::If': {
          const [cond, yes, no] = arg as [string, unknown, unknown];
          return this.condition(cond) ? this.resolve(yes) : this.resolve(no);
        }
        case 'Fn::Equals': {
          const [a, b] = this.resolve(arg) as [unknown, unknown];
          return a === b;
        }
        case 'Fn::Not':
          return !(this.resolve((arg as unknown[])[0]) as boolean);
        case 'Fn::And':
          return (arg as unknown[]).every((a) => this.resolve(a) as boolean);
        case 'Fn::Or':
          return (arg as unknown[]).some((a) => this.resolve(a) as boolean);
        case 'Condition':
          return this.condition(arg as string);
        case 'Fn::Split': {
          const [sep, s] = arg as [string, unknown];
          return (this.resolve(s) as string).split(sep);
        }
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  /** Evaluates a named condition of the template. */
  condition(name: string): boolean {
    const c = this.template.Conditions?.[name];
    if (c === undefined) throw new Error(`template has no condition ${name}`);
    return this.resolve(c) as boolean;
  }

  /** True when the resource exists in this deployment (its Condition holds). */
  exists(logicalId: string): boolean {
    const r = this.template.Resources[logicalId];
    return r !== undefined && (r.Condition === undefined || this.condition(r.Condition));
  }

  /** What `Ref` returns for a pseudo parameter, parameter or resource. */
  ref(name: string): string {
    switch (name) {
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Region':
        return REGION;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'flagger-serverless-dev';
      case 'AWS::NoValue':
        return undefined as unknown as string;
    }
    if (this.template.Parameters?.[name]) {
      return (
        this.standIns.parameters?.[name] ??
        String((this.template.Parameters[name].Default as string | number | undefined) ?? '')
      );
    }
    const r = this.template.Resources[name];
    if (!r) throw new Error(`Ref to unknown resource ${name}`);
    switch (r.Type) {
      case 'AWS::SQS::Queue':
        return `${this.standIns.awsEndpoint}/${ACCOUNT}/${this.queueName(name)}`;
      case 'AWS::DynamoDB::Table':
        return r.Properties.TableName as string;
      case 'AWS::Events::EventBus':
        return r.Properties.Name as string;
      case 'AWS::IAM::Role':
        return (r.Properties.RoleName as string | undefined) ?? name;
      case 'AWS::Lambda::Function':
        return this.functionName(name);
      case 'AWS::ApiGatewayV2::Api':
        return API_ID;
      case 'AWS::SNS::Topic':
        return `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:${(r.Properties.TopicName as string) ?? name}`;
      default:
        return name;
    }
  }

  getAtt(name: string, attribute: string): string {
    const r = this.template.Resources[name];
    if (!r) throw new Error(`Fn::GetAtt of unknown resource ${name}`);
    const arn = (service: string, resource: string) =>
      `arn:${PARTITION}:${service}:${REGION}:${ACCOUNT}:${resource}`;
    if (attribute === 'Arn') {
      switch (r.Type) {
        case 'AWS::SQS::Queue':
          return arn('sqs', this.queueName(name));
        case 'AWS::DynamoDB::Table':
          return arn('dynamodb', `table/${r.Properties.TableName as string}`);
        case 'AWS::Events::EventBus':
          return arn('events', `event-bus/${r.Properties.Name as string}`);
        case 'AWS::IAM::Role':
          return `arn:${PARTITION}:iam::${ACCOUNT}:role/${this.ref(name)}`;
        case 'AWS::Lambda::Function':
          return arn('lambda', `function:${this.functionName(name)}`);
        case 'AWS::Events::Rule':
          return arn('events', `rule/${(r.Properties.Name as string) ?? name}`);
      }
    }
    if (attribute === 'Name' && r.Type === 'AWS::Events::EventBus') return r.Properties.Name as string;
    if (attribute === 'QueueName' && r.Type === 'AWS::SQS::Queue') return this.queueName(name);
    if (attribute === 'QueueUrl' && r.Type === 'AWS::SQS::Queue') return this.ref(name);
    throw new Error(`Fn::GetAtt ${name}.${attribute} is not stood in for`);
  }

  private sub(arg: string | [string, Record<string, unknown>]): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : arg;
    return text.replace(/\$\{([^}!]+)\}/g, (_, expr: string) => {
      if (expr in vars) return String(this.resolve(vars[expr]));
      if (expr.includes('.')) {
        const [res, att] = expr.split('.', 2) as [string, string];
        return this.getAtt(res, att);
      }
      return this.ref(expr);
    });
  }

  private queueName(logicalId: string): string {
    return (this.template.Resources[logicalId]!.Properties.QueueName as string) ?? logicalId;
  }

  private functionName(logicalId: string): string {
    return (this.template.Resources[logicalId]!.Properties.FunctionName as string) ?? logicalId;
  }

  /** The deployed API's URL, wherever it appears in a string, becomes the local HTTP API's. */
  private localise<T>(value: T): T {
    if (typeof value !== 'string') return value;
    const deployed = `https://${API_ID}.execute-api.${REGION}.amazonaws.com`;
    return value.split(deployed).join(this.standIns.apiUrl) as T;
  }
}

function split(arg: unknown): [string, string] {
  const [a, b] = String(arg).split('.', 2);
  return [a!, b!];
}

/** All resources of one type, by logical id. */
export function resourcesOf(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}
