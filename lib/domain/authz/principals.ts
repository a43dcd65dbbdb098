/**
 * Who a caller is, as typed strings (docs/security.md, "Who may do what"):
 * - `iam:<ARN>` — an IAM user or role as API Gateway's IAM authorizer reports it. An assumed-role
 *   session (`iam:arn:aws:sts::123456789012:assumed-role/team-a/ci`) is also its role
 *   (`iam:arn:aws:iam::123456789012:role/team-a`); role paths are ignored when matching, as
 *   session ARNs carry none (role names are unique in an account).
 * - `jwt:sub:<subject>`, `jwt:group:<group>` — a JWT's subject and each of its groups.
 * - `local:token` — whoever holds local mode's bearer token.
 * - `slack:<team>/<user>` — reserved for Slack users (not issued yet).
 *
 * A grant names principals by a pattern: one of these strings, where `*` matches any run of
 * characters (`iam:arn:aws:iam::123456789012:role/team-a-*`); `*` alone matches every caller.
 */

/** The forms a principal (and a grant's pattern) may take. */
const FORMS =
  /^(iam:arn:aws[a-z-]*:(iam|sts)::[0-9*]{1,12}:.+|jwt:sub:.+|jwt:group:.+|local:token|slack:.+\/.+|\*)$/;

/** Why `pattern` is not a principal pattern, or undefined when it is one. */
export function principalProblem(pattern: string): string | undefined {
  if (pattern.length > 512) return `expected at most 512 characters, got ${pattern.length}`;
  if (!FORMS.test(pattern))
    return `expected iam:<ARN>, jwt:sub:<subject>, jwt:group:<group>, local:token, slack:<team>/<user> or *, got ${JSON.stringify(pattern)}`;
  return undefined;
}

/** Who called, as the API's authorizer reported it. */
export interface Identity {
  /** Every principal the caller is (an assumed-role session is its session and its role). */
  principals: readonly string[];
}

/** The principals of an IAM caller: its ARN, and for an assumed-role session also its role. */
export function iamPrincipals(arn: string): string[] {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (!session) return [`iam:${arn}`];
  const [, partition, account, role] = session;
  return [`iam:${arn}`, `iam:arn:${partition}:iam::${account}:role/${role}`];
}

/** The principals of a JWT caller: its subject and each of its groups. */
export function jwtPrincipals(subject: string | undefined, groups: readonly string[]): string[] {
  return [...(subject ? [`jwt:sub:${subject}`] : []), ...groups.map((g) => `jwt:group:${g}`)];
}

/** An IAM role ARN without its path: `role/a/b/name` → `role/name`. Other principals unchanged. */
function withoutRolePath(principal: string): string {
  return principal.replace(/^(iam:arn:aws[a-z-]*:iam::[0-9*]+:role\/)(?:[^*]*\/)?([^/]+)$/, '$1$2');
}

/** Whether `principal` is named by `pattern` (`*` matches any run of characters). */
export function principalMatches(pattern: string, principal: string): boolean {
  const p = withoutRolePath(pattern);
  if (!p.includes('*')) return p === withoutRolePath(principal);
  const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${p.split('*').map(escape).join('.*')}$`).test(withoutRolePath(principal));
}
