/**
 * Stored rows captured from an earlier version (test/fixtures/rows/<version>/, written by
 * test/fixtures/rows/capture.ts): loaded item by item into a table exactly as captured, except that
 * cluster records are re-pointed at the test's own sandbox API server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { baseClient } from '../../lib/adapters/dynamodb/client.js';

export type RawItem = Record<string, AttributeValue>;

/** What capture.ts noted about a capture (capture.json). */
export interface Capture {
  commit: string;
  capturedAt: string;
  /** The control plane's clock when the capture ended (epoch ms). */
  clock: number;
  canary: { cluster: string; namespace: string; name: string };
  files: string[];
}

export function fixtureDir(version: string): string {
  return join('test/fixtures/rows', version);
}

export function readCapture(version: string): Capture {
  return JSON.parse(readFileSync(join(fixtureDir(version), 'capture.json'), 'utf8')) as Capture;
}

/** Every captured item of `version`, as DynamoDB JSON. */
export function capturedItems(version: string): RawItem[] {
  return readCapture(version).files.flatMap(
    (f) => JSON.parse(readFileSync(join(fixtureDir(version), f), 'utf8')) as RawItem[],
  );
}

/**
 * Writes the captured items of `version` into `table` with PutItem, the cluster records' `server`
 * and `token` replaced by `cluster` (the capture's sandbox is gone).
 */
export async function loadRows(
  version: string,
  db: { endpoint: string; table: string },
  cluster: { server: string; token: string },
): Promise<RawItem[]> {
  const client = baseClient({ region: 'us-east-1', endpoint: db.endpoint });
  const items = capturedItems(version).map((item) => repoint(item, cluster));
  try {
    for (const Item of items) await client.send(new PutItemCommand({ TableName: db.table, Item }));
  } finally {
    client.destroy();
  }
  return items;
}

function repoint(item: RawItem, cluster: { server: string; token: string }): RawItem {
  if (item.pk.S !== 'D#cluster' || !item.doc?.M) return item;
  const doc = { ...item.doc.M, server: { S: cluster.server }, token: { S: cluster.token } };
  return { ...item, doc: { M: doc } };
}
