/**
 * The idle canaries of a cluster, from the sparse `idle` index (table.ts): one Query per cluster
 * returns every idle canary's key and `seen`, however many there are (paged by DynamoDB's 1 MB).
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Seen } from '../../domain/sweep/seen.js';
import type { IdleCanaries, IdleCanary } from '../../ports/store.js';
import { idlePk, keyFromPk } from './table.js';

export class DynamoIdleCanaries implements IdleCanaries {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(cluster: string, signal: AbortSignal): Promise<IdleCanary[]> {
    const out: IdleCanary[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.query(cluster, { ExclusiveStartKey: start }, signal);
      for (const i of page.Items ?? []) out.push({ key: keyFromPk(i.pk as string), seen: i.seen as Seen });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async any(cluster: string, signal: AbortSignal): Promise<boolean> {
    const page = await this.query(cluster, { Limit: 1, Select: 'COUNT' }, signal);
    return (page.Count ?? 0) > 0;
  }

  private query(cluster: string, extra: Record<string, unknown>, signal: AbortSignal) {
    return this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'idle',
        KeyConditionExpression: 'gsi2pk = :p',
        ExpressionAttributeValues: { ':p': idlePk(cluster) },
        ...extra,
      }),
      { abortSignal: signal },
    );
  }
}
