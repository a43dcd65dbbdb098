/**
 * The schema versions and migrations of stored items (lib/adapters/dynamodb/schema.ts): what each
 * version reads as today, and the refusal of versions this code does not know.
 */
import { describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  NewerSchemaError,
  makeSchema,
  schema,
  type Item,
  type ItemKind,
} from '../../../lib/adapters/dynamodb/schema.js';
import { ConflictError, InvalidError } from '../../../lib/ports/errors.js';

const pk = 'C#sandbox/test/podinfo';
const aHistoryRecord = (over: Item = {}): Item => ({
  pk,
  sk: 'H#001796016166345#s1',
  kind: 'step',
  actor: 'analyze',
  phase: 'Progressing',
  reason: 'CanaryWeightIncreased',
  explanation: 'advance',
  ...over,
});

describe('schema versions', () => {
  it('are 1 for every kind of item (a change of shape appends a migration and moves its kind)', () => {
    const kinds = Object.keys(MIGRATIONS) as ItemKind[];
    expect(Object.fromEntries(kinds.map((k) => [k, schema.current(k)]))).toEqual({
      canary: 1,
      history: 1,
      cluster: 1,
      template: 1,
      'alert-provider': 1,
      gate: 1,
      grant: 1,
      ticket: 1,
      session: 1,
      button: 1,
      sourced: 1,
    });
  });
});

describe('upgrade on read', () => {
  it.each([
    {
      name: 'v0 automatic step by analyze (the function before its rename) reads as by controller',
      kind: 'history' as const,
      item: aHistoryRecord(),
      want: aHistoryRecord({ actor: 'controller', schemaVersion: 1 }),
    },
    {
      name: 'v0 step already by controller is unchanged',
      kind: 'history' as const,
      item: aHistoryRecord({ actor: 'controller' }),
      want: aHistoryRecord({ actor: 'controller', schemaVersion: 1 }),
    },
    {
      name: 'v0 operator record keeps its actor, whatever it is',
      kind: 'history' as const,
      item: aHistoryRecord({ kind: 'operator', actor: 'analyze', reason: 'OperatorPause' }),
      want: aHistoryRecord({ kind: 'operator', actor: 'analyze', reason: 'OperatorPause', schemaVersion: 1 }),
    },
    {
      name: 'v1 record is not migrated again (migrations run from the version the row has)',
      kind: 'history' as const,
      item: aHistoryRecord({ schemaVersion: 1 }),
      want: aHistoryRecord({ schemaVersion: 1 }),
    },
    {
      name: 'v0 canary row only gains the version, unknown attributes included',
      kind: 'canary' as const,
      item: { pk, sk: 'META', status: { phase: 'Progressing', later: 1 }, version: 8, owner: 'team-a' },
      want: {
        pk,
        sk: 'META',
        status: { phase: 'Progressing', later: 1 },
        version: 8,
        owner: 'team-a',
        schemaVersion: 1,
      },
    },
    ...(['cluster', 'template', 'alert-provider', 'gate'] as const).map((kind) => ({
      name: `v0 ${kind} document only gains the version`,
      kind,
      item: { pk: `D#${kind}`, sk: 'x', doc: { name: 'x' } },
      want: { pk: `D#${kind}`, sk: 'x', doc: { name: 'x' }, schemaVersion: 1 },
    })),
  ])('$name', ({ kind, item, want }) => {
    const before = structuredClone(item);
    expect(schema.upgrade(kind, item, 'the row')).toEqual(want);
    expect(item).toEqual(before);
  });

  it('applies the migrations after the row version in order, and stamps the last version', () => {
    const trail = (step: string) => (item: Item) => ({
      ...item,
      trail: [...((item.trail as string[]) ?? []), step],
    });
    const three = makeSchema({ thing: [trail('0→1'), trail('1→2'), trail('2→3')] });
    expect(three.current('thing')).toBe(3);
    expect(three.upgrade('thing', {}, 'thing')).toEqual({ trail: ['0→1', '1→2', '2→3'], schemaVersion: 3 });
    expect(three.upgrade('thing', { schemaVersion: 2 }, 'thing')).toEqual({
      trail: ['2→3'],
      schemaVersion: 3,
    });
    expect(three.upgrade('thing', { schemaVersion: 3 }, 'thing')).toEqual({ schemaVersion: 3 });
  });
});

describe('rows this code cannot read', () => {
  it('refuses a version newer than it knows with a conflict naming the row and both versions', () => {
    const read = () =>
      schema.upgrade('canary', { pk, sk: 'META', schemaVersion: 2 }, 'canary sandbox/test/podinfo');
    expect(read).toThrow(NewerSchemaError);
    expect(read).toThrow(ConflictError);
    expect(read).toThrow(
      /^canary sandbox\/test\/podinfo has schema version 2; this deployment reads up to 1\./,
    );
    expect(thrownBy(read)).toMatchObject({
      name: 'NewerSchemaError',
      row: 'canary sandbox/test/podinfo',
      found: 2,
      known: 1,
    });
  });

  it.each([['1'], [-1], [1.5], [null]])('refuses a malformed version %j as invalid', (v) => {
    expect(() => schema.upgrade('gate', { schemaVersion: v }, 'gate "g"')).toThrow(InvalidError);
    expect(() => schema.upgrade('gate', { schemaVersion: v }, 'gate "g"')).toThrow(
      /gate "g" has an invalid schemaVersion/,
    );
  });
});

function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
