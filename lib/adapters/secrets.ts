import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** Reads one secret: a Secrets Manager secret or an SSM SecureString parameter. */
export type SecretReader = (ref: { secret?: string; parameter?: string }) => Promise<string>;

export function awsSecretReader(sm: () => SecretsManagerClient, ssm: () => SSMClient): SecretReader {
  return async (ref) => {
    if (ref.secret) {
      const out = await sm().send(new GetSecretValueCommand({ SecretId: ref.secret }));
      if (out.SecretString === undefined) throw new Error(`secret ${ref.secret} has no string value`);
      return out.SecretString;
    }
    if (ref.parameter) {
      const out = await ssm().send(new GetParameterCommand({ Name: ref.parameter, WithDecryption: true }));
      if (out.Parameter?.Value === undefined) throw new Error(`parameter ${ref.parameter} has no value`);
      return out.Parameter.Value;
    }
    throw new Error('a secret reference needs a secret or a parameter name');
  };
}

/** Local mode has no secret store: references cannot be resolved there. */
export const noSecrets: SecretReader = (ref) =>
  Promise.reject(
    new Error(
      `secret ${ref.secret ?? ref.parameter} cannot be read in local mode; register the cluster with an inline kubeconfig`,
    ),
  );
