import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Session, SignedIn, SignInStore } from '../../ports/sessions.js';
import { SCHEMA_VERSION, schema, type Item } from './schema.js';

type Kind = 'ticket' | 'session';

/**
 * Login tickets and sessions of the status page: pk `U#<kind>#<id>`, sk `<kind>`, with `expiresAt`
 * (the table's TTL, epoch seconds) so DynamoDB removes them once expired. The id is already the
 * SHA-256 of the secret (lib/app/sign-in.ts).
 */
export class DynamoSignInStore implements SignInStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  putTicket(id: string, t: SignedIn, signal: AbortSignal): Promise<void> {
    return this.put('ticket', id, { actor: t.actor, principals: [...t.principals], until: t.until }, signal);
  }

  async takeTicket(id: string, signal: AbortSignal): Promise<SignedIn | undefined> {
    const out = await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: this.key('ticket', id), ReturnValues: 'ALL_OLD' }),
      { abortSignal: signal },
    );
    if (!out.Attributes) return undefined;
    const item = schema.upgrade('ticket', out.Attributes, 'login ticket');
    return { actor: item.actor as string, principals: principalsOf(item), until: item.until as number };
  }

  putSession(id: string, s: Session, signal: AbortSignal): Promise<void> {
    return this.put(
      'session',
      id,
      { actor: s.actor, principals: [...s.principals], until: s.until, csrf: s.csrf },
      signal,
    );
  }

  async getSession(id: string, signal: AbortSignal): Promise<Session | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: this.key('session', id), ConsistentRead: true }),
      { abortSignal: signal },
    );
    if (!out.Item) return undefined;
    const item = schema.upgrade('session', out.Item, 'session');
    return {
      actor: item.actor as string,
      principals: principalsOf(item),
      until: item.until as number,
      csrf: item.csrf as string,
    };
  }

  async deleteSession(id: string, signal: AbortSignal): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: this.key('session', id) }), {
      abortSignal: signal,
    });
  }

  private key(kind: Kind, id: string) {
    return { pk: `U#${kind}#${id}`, sk: kind };
  }

  private async put(kind: Kind, id: string, attrs: Item & { until: number }, signal: AbortSignal) {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...this.key(kind, id),
          ...attrs,
          expiresAt: Math.ceil(attrs.until / 1000),
          [SCHEMA_VERSION]: schema.current(kind),
        },
      }),
      { abortSignal: signal },
    );
  }
}

/** The stored principals (a list; an empty one is stored as an empty list). */
function principalsOf(item: Item): string[] {
  return Array.isArray(item.principals)
    ? item.principals.filter((p): p is string => typeof p === 'string')
    : [];
}
