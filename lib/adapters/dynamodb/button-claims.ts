import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ButtonClaim, ButtonClaims } from '../../ports/buttons.js';
import { SCHEMA_VERSION, schema } from './schema.js';

/** Partition of the claims: a role's DeleteItem is held to it (infra/aws/roles.yml, SlackButtonClaims). */
export const BUTTON_PARTITION = 'D#button';

/** How long a claim is kept (TTL): far longer than a message's buttons are used. */
const KEEP_SECONDS = 30 * 24 * 3600;

/**
 * The decision taken on each chat message, one item per message nonce (pk `D#button`, sk the
 * nonce, the claim in `doc`), created by one conditional PutItem: of two clicks, one wins.
 */
export class DynamoButtonClaims implements ButtonClaims {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(nonce: string, claim: ButtonClaim, signal: AbortSignal): Promise<ButtonClaim | undefined> {
    const Key = { pk: BUTTON_PARTITION, sk: nonce };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...Key,
            doc: claim,
            expiresAt: Math.floor(claim.at / 1000) + KEEP_SECONDS,
            [SCHEMA_VERSION]: schema.current('button'),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
        { abortSignal: signal },
      );
      return undefined;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true }), {
      abortSignal: signal,
    });
    // Released between the two calls: report the claim as taken by nobody known, never as won.
    const item = out.Item && schema.upgrade('button', out.Item, `button claim "${nonce}"`);
    return (item?.doc as ButtonClaim | undefined) ?? { ...claim, by: 'unknown', mention: 'someone' };
  }

  async release(nonce: string, signal: AbortSignal): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: BUTTON_PARTITION, sk: nonce } }),
      { abortSignal: signal },
    );
  }
}
