import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../../ports/store.js';
import { translate } from './errors.js';
import { NOT_NEWER, SCHEMA_VERSION, notNewerValues, schema, type DocumentKind, type Item } from './schema.js';
import { queryAll } from './query-all.js';

/**
 * Named documents of one kind (clusters, templates, alert providers, gates, grants) under pk `D#<kind>`,
 * the document in attribute `doc`. Read in the current schema of the kind (schema.ts); `put`
 * replaces `doc` and the schema version only, so other attributes of the item survive it; `put`
 * and `delete` refuse an item of a newer schema.
 */
export class DynamoDocuments<T> implements Documents<T> {
  private readonly pk: string;
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly kind: DocumentKind,
  ) {
    this.pk = `D#${kind}`;
  }

  async get(name: string, signal: AbortSignal): Promise<T | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: this.pk, sk: name }, ConsistentRead: true }),
      { abortSignal: signal },
    );
    return out.Item ? (this.upgrade(out.Item).doc as T) : undefined;
  }

  async put(name: string, doc: T, signal: AbortSignal): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: name },
          UpdateExpression: `SET #doc = :doc, ${SCHEMA_VERSION} = :schemaVersion`,
          ConditionExpression: NOT_NEWER,
          ExpressionAttributeNames: { '#doc': 'doc' },
          ExpressionAttributeValues: { ':doc': doc, ...notNewerValues(this.kind) },
        }),
        { abortSignal: signal },
      );
    } catch (e) {
      throw await this.refusal(e, name, 'put', signal);
    }
  }

  async list(signal: AbortSignal): Promise<{ name: string; doc: T }[]> {
    const items = await this.query({}, signal);
    return items.map((i) => ({ name: i.sk as string, doc: this.upgrade(i).doc as T }));
  }

  /** Keys only (`ProjectionExpression` pk, sk), as a role limited to those attributes may read. */
  async names(signal: AbortSignal): Promise<string[]> {
    const items = await this.query({ ProjectionExpression: 'pk, sk' }, signal);
    return items.map((i) => i.sk as string);
  }

  private query(extra: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>[]> {
    const input = {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': this.pk },
      ...extra,
    };
    return queryAll(this.db, input, signal);
  }

  async delete(name: string, signal: AbortSignal): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: name },
          ConditionExpression: NOT_NEWER,
          ExpressionAttributeValues: notNewerValues(this.kind),
        }),
        { abortSignal: signal },
      );
    } catch (e) {
      throw await this.refusal(e, name, 'delete', signal);
    }
  }

  /**
   * What a failed write of `name` throws. Only a newer schema fails the condition, so the read
   * throws NewerSchemaError naming the version found; a row changed back in between is a conflict.
   */
  private async refusal(e: unknown, name: string, what: string, signal: AbortSignal): Promise<unknown> {
    if (!(e instanceof ConditionalCheckFailedException)) return e;
    await this.get(name, signal);
    return translate(e, `${this.kind} "${name}" ${what}`);
  }

  private upgrade(item: Item): Item {
    return schema.upgrade(this.kind, item, `${this.kind} "${String(item.sk)}"`);
  }
}
