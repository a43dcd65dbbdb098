import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A document client; `endpoint` points at dynalite in local mode and tests. */
export function documentClient(opts: { region: string; endpoint?: string }): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(baseClient(opts), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

/** The plain client (table administration); fixed dummy credentials for a local endpoint. */
export function baseClient(opts: { region: string; endpoint?: string }): DynamoDBClient {
  const local = opts.endpoint !== undefined;
  return new DynamoDBClient({
    region: opts.region,
    endpoint: opts.endpoint,
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
