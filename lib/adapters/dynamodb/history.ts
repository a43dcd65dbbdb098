import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keyString, type CanaryKey, type History, type HistoryRecord } from '../../ports/store.js';
import { SCHEMA_VERSION, schema } from './schema.js';
import { canaryPk, keyFromPk } from './table.js';

const DAY_SECONDS = 86_400;

/**
 * History records beside their canary row; expire through the table's TTL (`expiresAt`). Written
 * once with the current schema version, never rewritten: older records are upgraded on every read.
 */
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
            [SCHEMA_VERSION]: schema.current('history'),
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
      const row = `history record ${String(item.sk)} of canary ${keyString(keyFromPk(String(item.pk)))}`;
      const current = schema.upgrade('history', item, row);
      const { pk: _pk, sk: _sk, expiresAt: _e, [SCHEMA_VERSION]: _v, ...rest } = current;
      return rest as unknown as HistoryRecord;
    });
  }
}

function historySk(at: number, id: string): string {
  return `H#${String(at).padStart(15, '0')}#${id}`;
}
