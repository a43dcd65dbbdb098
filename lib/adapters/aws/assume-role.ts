/**
 * Credentials of a role in another account (a cluster record's `assumeRole`): STS AssumeRole with
 * the external ID, as the function's own role, cached until five minutes before they expire.
 * The step role may assume only the roles the stack's `assumableRoles` parameter names.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials, AwsCredentialsProvider } from './sigv4.js';

export interface AssumeRoleOptions {
  roleArn: string;
  externalId?: string;
  /** STS region (regional endpoint). */
  region: string;
  /** Shows in the target account's CloudTrail. Default `flagger-serverless`. */
  sessionName?: string;
  /** Milliseconds since the epoch; injected for tests. */
  now?: () => number;
  /** An STS client; default a new one for `region` with the default credential chain. */
  sts?: STSClient;
}

const REFRESH_BEFORE_MS = 5 * 60_000;

/** A provider of the assumed role's credentials (shared refresh, failures not cached). */
export function assumeRoleCredentials(opts: AssumeRoleOptions): AwsCredentialsProvider {
  const now = opts.now ?? Date.now;
  const sts = opts.sts ?? new STSClient({ region: opts.region });
  let current: { creds: Promise<AwsCredentials & { expiresAt: number }> } | undefined;
  const fetchCreds = async () => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: opts.roleArn,
        RoleSessionName: opts.sessionName ?? 'flagger-serverless',
        ExternalId: opts.externalId,
        DurationSeconds: 3600,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new Error(`STS AssumeRole ${opts.roleArn} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiresAt: c.Expiration?.getTime() ?? now() + 3600_000,
    };
  };
  return async () => {
    const held = current && (await current.creds.catch(() => undefined));
    if (held && held.expiresAt - now() > REFRESH_BEFORE_MS) return held;
    const entry = { creds: fetchCreds() };
    current = entry;
    entry.creds.catch(() => {
      if (current === entry) current = undefined;
    });
    return entry.creds;
  };
}
