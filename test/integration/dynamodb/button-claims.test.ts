/**
 * The button claims over the DynamoDB API (dynalite by default): the first claim of a message
 * wins in one conditional write, a later or concurrent one gets the first back, release frees it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUTTON_PARTITION, DynamoButtonClaims } from '../../../lib/adapters/dynamodb/button-claims.js';
import { startDynamo, type LocalDynamo } from '../../support/dynamo.js';

let dyn: LocalDynamo;
let claims: DynamoButtonClaims;
const signal = new AbortController().signal;
const at = Date.UTC(2026, 0, 1);
const amy = { action: 'approve', by: 'slack:T0CAG/U0CA5', mention: '<@U0CA5>', at };
const bob = { action: 'abort', by: 'slack:T0CAG/U0CA6', mention: '<@U0CA6>', at: at + 1 };

beforeAll(async () => {
  dyn = await startDynamo();
  claims = new DynamoButtonClaims(dyn.db, dyn.table);
});
afterAll(() => dyn.close());

describe('button claims', () => {
  it('the first claim wins; later ones get it back; the item expires', async () => {
    expect(await claims.claim('n-1', amy, signal)).toBeUndefined();
    expect(await claims.claim('n-1', bob, signal)).toEqual(amy);
    const item = await dyn.db.send(
      new GetCommand({ TableName: dyn.table, Key: { pk: BUTTON_PARTITION, sk: 'n-1' } }),
    );
    expect(item.Item).toMatchObject({ doc: amy, schemaVersion: 1, expiresAt: at / 1000 + 30 * 24 * 3600 });
  });

  it('of concurrent claims exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => claims.claim('n-2', { ...bob, at: at + i }, signal)),
    );
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
  });

  it('a released claim can be taken again', async () => {
    expect(await claims.claim('n-3', amy, signal)).toBeUndefined();
    await claims.release('n-3', signal);
    expect(await claims.claim('n-3', bob, signal)).toBeUndefined();
    expect(await claims.claim('n-3', amy, signal)).toEqual(bob);
  });
});
