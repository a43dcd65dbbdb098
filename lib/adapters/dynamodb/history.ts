import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CanaryKey, History, HistoryRecord } from '../../ports/store.js';
import { canaryPk } from './table.js';

const DAY_SECONDS = 86_400;

/** History records beside their canary row; expire through the table's TTL (`expiresAt`). */
export class DynamoHistory implements History {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays = 30,
  ) {}

  async append(record: HistoryRecord, signal: AbortSignal): Promise<void> {
    await this.db
      .send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...record,
            pk: canaryPk(record.key),
            sk: historySk(record.at, record.id),
            expiresAt: Math.floor(record.at / 1000) + this.retentionDays * DAY_SECONDS,
          },
          // A re-delivered step writes the same id: keep the first record.
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
        { abortSignal: signal },
      )
      .catch((e: unknown) => {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
      });
  }

  async list(
    key: CanaryKey,
    opts: { limit: number; before?: number },
    signal: AbortSignal,
  ): Promise<HistoryRecord[]> {
    const upper = opts.before === undefined ? 'H$' : historySk(opts.before, '');
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': canaryPk(key), ':lo': 'H#', ':hi': upper },
        ScanIndexForward: false,
        Limit: opts.limit,
      }),
      { abortSignal: signal },
    );
    return (out.Items ?? []).map((item) => {
      const { pk: _pk, sk: _sk, expiresAt: _e, ...rest } = item;
      return rest as HistoryRecord;
    });
  }
}

function historySk(at: number, id: string): string {
  return `H#${String(at).padStart(15, '0')}#${id}`;
}
