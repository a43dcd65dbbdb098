import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GateChange, GateStore } from '../../ports/gates.js';
import { DynamoDocuments } from './documents.js';

/** Manual gates (confirm and rollback) of the load tester, kept in the table, not in memory. */
export class DynamoGateStore implements GateStore {
  private readonly docs: DynamoDocuments<GateChange & { at: number }>;
  constructor(db: DynamoDBDocumentClient, table: string) {
    this.docs = new DynamoDocuments(db, table, 'gate');
  }

  async get(key: string, signal: AbortSignal): Promise<boolean | undefined> {
    return (await this.docs.get(key, signal))?.open;
  }

  /** Keeps who changed the gate and when, beside its state. */
  set(key: string, change: GateChange, signal: AbortSignal): Promise<void> {
    return this.docs.put(key, { ...change, at: Date.now() }, signal);
  }
}
