import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  keyString,
  type CanaryKey,
  type History,
  type HistoryRecord,
  type RepeatCount,
} from '../../ports/store.js';
import { SCHEMA_VERSION, schema } from './schema.js';
import { canaryPk, keyFromPk } from './table.js';

const DAY_SECONDS = 86_400;

/**
 * History records beside their canary row; expire through the table's TTL (`expiresAt`). Written
 * once with the current schema version, never rewritten: older records are upgraded on every read.
 * So the count of a record's repeats is written with the next record (`previous`) and shown on the
 * record it names when they are listed.
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
    const [out, later] = await Promise.all([
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': canaryPk(key), ':lo': 'H#', ':hi': upper },
          ScanIndexForward: false,
          Limit: opts.limit,
        }),
        { abortSignal: signal },
      ),
      opts.before === undefined ? undefined : this.carriersFrom(key, opts.before, signal),
    ]);
    const records = (out.Items ?? []).map((item) => {
      const row = `history record ${String(item.sk)} of canary ${keyString(keyFromPk(String(item.pk)))}`;
      const current = schema.upgrade('history', item, row);
      const { pk: _pk, sk: _sk, expiresAt: _e, [SCHEMA_VERSION]: _v, ...rest } = current;
      return rest as unknown as HistoryRecord;
    });
    return withCounts(records, [...records.map((r) => r.previous), ...(later ?? [])]);
  }

  /**
   * The counts carried by the records from `at` on (the page before, newest first): the newest
   * records of a page are counted by a record on the page before it. A few suffice: the carrier
   * is the next record of a step, with at most an operator's record or two in between.
   */
  private async carriersFrom(key: CanaryKey, at: number, signal: AbortSignal): Promise<RepeatCount[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': canaryPk(key), ':lo': historySk(at, ''), ':hi': 'H$' },
        ProjectionExpression: '#previous',
        ExpressionAttributeNames: { '#previous': 'previous' },
        Limit: LATER_CARRIERS,
      }),
      { abortSignal: signal },
    );
    return (out.Items ?? []).flatMap((i) => (i.previous ? [i.previous as RepeatCount] : []));
  }
}

/** Records read after a page for the counts of its newest records. */
const LATER_CARRIERS = 5;

/** `records` with the count each carrier names on it, and without the carriers. */
function withCounts(records: HistoryRecord[], carriers: (RepeatCount | undefined)[]): HistoryRecord[] {
  const counts = new Map<string, RepeatCount>();
  for (const c of carriers) {
    if (!c) continue;
    const id = `${c.at}#${c.id}`;
    // Several records may carry one run's count (a lost save's record, then the next step's): the same.
    if (!counts.has(id)) counts.set(id, c);
  }
  return records.map(({ previous: _p, ...r }) => {
    const c = counts.get(`${r.at}#${r.id}`);
    return c && c.count > 1 ? { ...r, count: c.count, lastAt: c.lastAt } : r;
  });
}

function historySk(at: number, id: string): string {
  return `H#${String(at).padStart(15, '0')}#${id}`;
}
