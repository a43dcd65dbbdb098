/**
 * Every AWS call of the stack test is judged by a real IAM policy evaluator
 * (@cloud-copilot/iam-simulate) against the identity policies of the calling principal, taken
 * from the template (a function's role) or declared by the test (a human caller). Calls and their
 * verdicts are recorded, so a test can fail on any denial and list which statement allowed what.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, PARTITION, type Resolver } from './template.js';

/** A caller: its ARN and identity policies. */
export interface Principal {
  /** A short name for messages: the function (`step`) or the test user. */
  name: string;
  arn: string;
  policies: { name: string; policy: unknown }[];
}

/** One evaluated call. */
export interface Call {
  principal: string;
  action: string;
  resource: string;
  allowed: boolean;
  /** Sids (or `#n`) of the identity statements that allowed it. */
  allowedBy: string[];
  /** Set when the simulator refused the request itself (an unknown action or resource type). */
  error?: string;
  /** The condition keys the call was judged with (read from the request). */
  context: Record<string, string[]>;
}

/** The managed policies our roles attach (AWS's documents). */
const managed: Record<string, unknown> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSLambdaVPCAccessExecutionPermissions',
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Resource: '*',
      },
    ],
  },
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSLambdaBasicExecutionRole',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ],
  },
};

/** The principal of an IAM role of the template, with its inline and managed policies. */
export function rolePrincipal(resolver: Resolver, name: string, roleLogicalId: string): Principal {
  const role = resolver.template.Resources[roleLogicalId];
  if (!role || role.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role`);
  const props = resolver.resolve(role.Properties) as {
    Policies?: { PolicyName: string; PolicyDocument: unknown }[];
    ManagedPolicyArns?: string[];
  };
  // Conditional statements and policies (Fn::If … AWS::NoValue) resolve to undefined: drop them.
  const policies: { name: string; policy: unknown }[] = (props.Policies ?? []).map((p) => {
    const doc = p.PolicyDocument as { Statement: unknown[] };
    return {
      name: p.PolicyName,
      policy: { ...doc, Statement: doc.Statement.filter((s) => s !== undefined) },
    };
  });
  for (const arn of (props.ManagedPolicyArns ?? []).filter((a) => a !== undefined)) {
    const doc = managed[arn];
    if (!doc) throw new Error(`managed policy ${arn} is not known to the stack test`);
    policies.push({ name: arn, policy: doc });
  }
  return { name, arn: `arn:${PARTITION}:iam::${ACCOUNT}:role/${resolver.ref(roleLogicalId)}`, policies };
}

/** Evaluates calls and keeps the record. */
export class IamLedger {
  readonly calls: Call[] = [];

  async evaluate(
    principal: Principal,
    action: string,
    resource: string,
    context: Record<string, string[]> = {},
  ): Promise<Call> {
    const simulation: Simulation = {
      request: {
        principal: principal.arn,
        action,
        // The identity side of the call, as in the caller's own account. Resource policies (a
        // role's trust policy) are judged where they apply: the local STS's AssumeRole.
        resource: { resource, accountId: accountOf(principal.arn) ?? ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: principal.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    const r = await runSimulation(simulation, {});
    const call: Call = {
      principal: principal.name,
      action,
      resource,
      allowed: false,
      allowedBy: [],
      context,
    };
    if (r.resultType === 'error') {
      call.error = JSON.stringify(r.errors);
    } else if (r.resultType === 'single') {
      call.allowed = r.overallResult === 'Allowed';
      call.allowedBy = (r.result.analysis?.identityAnalysis?.allowStatements ?? []).map((s) =>
        statementName(s.explain as { identifier?: string }),
      );
    } else {
      // A `*` resource (actions without a resource type) is judged per resource pattern.
      call.allowed = r.overallResult === 'Allowed';
      call.allowedBy = [
        ...new Set(
          r.results.flatMap((x) =>
            (x.analysis?.identityAnalysis?.allowStatements ?? []).map((s) =>
              statementName(s.explain as { identifier?: string }),
            ),
          ),
        ),
      ];
    }
    this.calls.push(call);
    return call;
  }

  /** Every denied or unevaluable call, one line each: principal, action, resource, why. */
  denials(): string[] {
    return this.calls
      .filter((c) => !c.allowed)
      .map((c) => `${c.principal}: ${c.action} on ${c.resource}${c.error ? ` (${c.error})` : ' denied'}`);
  }
}

function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

function statementName(explain: { identifier?: string }): string {
  return explain.identifier ?? '?';
}
