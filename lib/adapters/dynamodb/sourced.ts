/**
 * The {@link SourcedStore} port: MetricTemplates and AlertProviders sourced from a cluster, one
 * partition per cluster (pk `S#<cluster>`, sk `<kind>#<namespace>/<name>`), so the sweep reads a
 * cluster's rows with one Query. Items carry `schemaVersion` (schema.ts, kind `sourced`); writes
 * and deletes refuse an item of a newer schema, as every other row's.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SourcedKind, SourcedRow, SourcedStore } from '../../ports/sourced.js';
import { translate } from './errors.js';
import { NOT_NEWER, notNewerValues, schema, SCHEMA_VERSION, type Item } from './schema.js';
import { queryAll } from './query-all.js';

const pkOf = (cluster: string) => `S#${cluster}`;
const skOf = (r: Pick<SourcedRow, 'kind' | 'namespace' | 'name'>) => `${r.kind}#${r.namespace}/${r.name}`;

export class DynamoSourcedStore implements SourcedStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(cluster: string, signal: AbortSignal): Promise<SourcedRow[]> {
    const items = await queryAll(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pkOf(cluster) },
      },
      signal,
    );
    return items.map((i) => this.row(i));
  }

  async get<K extends SourcedKind>(
    cluster: string,
    kind: K,
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<SourcedRow<K> | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: pkOf(cluster), sk: skOf({ kind, namespace, name }) },
      }),
      { abortSignal: signal },
    );
    return out.Item && (this.row(out.Item) as SourcedRow<K>);
  }

  async put(cluster: string, row: SourcedRow, signal: AbortSignal): Promise<void> {
    const item: Item = {
      pk: pkOf(cluster),
      sk: skOf(row),
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      ...(row.served && { served: row.served }),
      ...(row.refused && { refused: row.refused }),
      [SCHEMA_VERSION]: schema.current('sourced'),
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: NOT_NEWER,
          ExpressionAttributeValues: notNewerValues('sourced'),
        }),
        { abortSignal: signal },
      );
    } catch (e) {
      throw this.refusal(e, cluster, row, 'put');
    }
  }

  async delete(
    cluster: string,
    row: Pick<SourcedRow, 'kind' | 'namespace' | 'name'>,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: pkOf(cluster), sk: skOf(row) },
          ConditionExpression: NOT_NEWER,
          ExpressionAttributeValues: notNewerValues('sourced'),
        }),
        { abortSignal: signal },
      );
    } catch (e) {
      throw this.refusal(e, cluster, row, 'delete');
    }
  }

  private row(item: Item): SourcedRow {
    const i = schema.upgrade('sourced', item, `sourced ${String(item.pk)} ${String(item.sk)}`);
    return {
      kind: i.kind as SourcedKind,
      namespace: i.namespace as string,
      name: i.name as string,
      ...(i.served !== undefined && { served: i.served as SourcedRow['served'] }),
      ...(i.refused !== undefined && { refused: i.refused as SourcedRow['refused'] }),
    };
  }

  /** Only a newer schema fails the condition (NOT_NEWER). */
  private refusal(
    e: unknown,
    cluster: string,
    row: Pick<SourcedRow, 'kind' | 'namespace' | 'name'>,
    what: string,
  ) {
    if (!(e instanceof ConditionalCheckFailedException)) return e;
    return translate(
      e,
      `sourced ${row.kind} ${cluster}/${row.namespace}/${row.name} ${what}: written by a newer schema`,
    );
  }
}
