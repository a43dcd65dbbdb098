import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../../ports/store.js';

/** Named documents of one kind (clusters, templates, alert providers, gates) under pk `D#<kind>`. */
export class DynamoDocuments<T> implements Documents<T> {
  private readonly pk: string;
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    kind: string,
  ) {
    this.pk = `D#${kind}`;
  }

  async get(name: string, signal: AbortSignal): Promise<T | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: this.pk, sk: name }, ConsistentRead: true }),
      { abortSignal: signal },
    );
    return out.Item ? (out.Item.doc as T) : undefined;
  }

  async put(name: string, doc: T, signal: AbortSignal): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { pk: this.pk, sk: name, doc } }), {
      abortSignal: signal,
    });
  }

  async list(signal: AbortSignal): Promise<{ name: string; doc: T }[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': this.pk },
          ExclusiveStartKey: start,
        }),
        { abortSignal: signal },
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.map((i) => ({ name: i.sk as string, doc: i.doc as T }));
  }

  async delete(name: string, signal: AbortSignal): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: this.pk, sk: name } }), {
      abortSignal: signal,
    });
  }
}
