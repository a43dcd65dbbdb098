/**
 * Schema versions of the items in the table: every item the adapters write carries
 * `schemaVersion`, the version of its kind's shape; an item without one is version 0 (written
 * before versions existed).
 *
 * Migrations run on read: `upgrade` brings an item of an older version to the current shape in
 * memory, and the next save writes that shape and the current version. Rules for a change of shape:
 * - append a migration to its kind's list (never edit a published one); the kind's current version
 *   is the length of its list;
 * - a migration is a pure function of the item, including its key attributes, and must accept the
 *   output of every earlier one;
 * - canary rows are saved with UpdateItem, which writes only the attributes it names (manifest,
 *   status, version, times, due index, schemaVersion): a migration of canary rows that renames a
 *   top-level attribute must also make `save` remove the old one;
 * - history records are never rewritten: they are migrated on every read until they expire;
 * - a new optional attribute that older code may ignore, and keep as it is when it writes the row
 *   back (it keeps attributes it does not know), needs no new version; anything older code would
 *   misread, or leave inconsistent by updating the row around it, does.
 *
 * A row of a version newer than the code knows was written by a newer deployment: reading it throws
 * {@link NewerSchemaError}, and writes and deletes are conditioned on `schemaVersion <= current` (see
 * {@link NOT_NEWER}), so a rolled-back deployment refuses the row instead of misreading or
 * overwriting it.
 */
import { ConflictError, InvalidError } from '../../ports/errors.js';

/** The attribute holding an item's schema version. */
export const SCHEMA_VERSION = 'schemaVersion';

/** Kinds of named documents (pk `D#<kind>`). */
export type DocumentKind = 'cluster' | 'template' | 'alert-provider' | 'gate' | 'grant';

/** Every kind of item, each with its own schema version. */
export type ItemKind = 'canary' | 'history' | 'button' | DocumentKind | 'ticket' | 'session' | 'sourced';

/** An item as DynamoDB returns it (document client: plain values). */
export type Item = Record<string, unknown>;

/** Turns an item of version n into one of version n + 1. */
export type Migration = (item: Item) => Item;

/** A change of the schema version only: the shape stayed the same. */
const unchanged: Migration = (item) => item;

/**
 * History 0 → 1: the step function was renamed from `analyze` to `step`, and automatic steps are
 * recorded as by `controller` since; records of automatic steps written before say `analyze`.
 */
const analyzeIsController: Migration = (item) =>
  item.kind === 'step' && item.actor === 'analyze' ? { ...item, actor: 'controller' } : item;

/**
 * The migrations of each kind, oldest first: `MIGRATIONS[kind][n]` upgrades version n to n + 1.
 * Version 1 is the first versioned shape; only history records changed shape on the way (the
 * canary status, cluster records, templates, alert providers and gates read at 6d222e3 exactly as
 * they are written today).
 */
export const MIGRATIONS: Readonly<Record<ItemKind, readonly Migration[]>> = {
  canary: [unchanged],
  history: [analyzeIsController],
  cluster: [unchanged],
  template: [unchanged],
  'alert-provider': [unchanged],
  gate: [unchanged],
  // Grants (lib/domain/authz) were first written at version 1.
  grant: [unchanged],
  // The status page's login tickets and sessions (sign-in.ts): minutes to hours of life.
  ticket: [unchanged],
  session: [unchanged],
  // Chat button claims (button-claims.ts), versioned from their first shape.
  button: [unchanged],
  // MetricTemplates and AlertProviders sourced from a cluster (sourced.ts), versioned from their first shape.
  sourced: [unchanged],
};

/**
 * Raised when a row was written by a newer schema version than this deployment reads: typically
 * after rolling our own deployment back over rows a newer one wrote. A ConflictError (the API
 * answers 409 with this message); retrying will not help until the newer version is deployed again.
 */
export class NewerSchemaError extends ConflictError {
  override readonly name: string = 'NewerSchemaError';
  constructor(
    /** The row, e.g. `canary sandbox/test/podinfo`. */
    readonly row: string,
    /** The version found on the row. */
    readonly found: number,
    /** The newest version this deployment reads. */
    readonly known: number,
  ) {
    super(
      `${row} has schema version ${found}; this deployment reads up to ${known}. It was written by a ` +
        'newer release of Flagger Serverless: deploy that release again (or restore the table from a ' +
        'backup taken before it). The row is left as it is.',
    );
  }
}

/** Schema versions and migrations of the kinds `K`. */
export interface Schema<K extends string> {
  /** The version items of `kind` are written with. */
  current(kind: K): number;
  /**
   * `item` in the current shape of `kind`, stamped with the current version. Throws
   * NewerSchemaError for a version this code does not know, InvalidError for a malformed one.
   */
  upgrade(kind: K, item: Item, row: string): Item;
}

/** A schema over `migrations` (tests build their own; the adapters use {@link schema}). */
export function makeSchema<K extends string>(
  migrations: Readonly<Record<K, readonly Migration[]>>,
): Schema<K> {
  const current = (kind: K) => migrations[kind].length;
  return {
    current,
    upgrade(kind, item, row) {
      const found = versionOf(item, row);
      const known = current(kind);
      if (found > known) throw new NewerSchemaError(row, found, known);
      let next = item;
      for (const migrate of migrations[kind].slice(found)) next = migrate(next);
      return { ...next, [SCHEMA_VERSION]: known };
    },
  };
}

/** The table's schema. */
export const schema: Schema<ItemKind> = makeSchema(MIGRATIONS);

/**
 * Condition of every write or delete that may change an existing item: the item is absent, or
 * older than `:schemaVersion`, or at it. Pass {@link notNewerValues} with it.
 */
export const NOT_NEWER = `(attribute_not_exists(${SCHEMA_VERSION}) OR ${SCHEMA_VERSION} <= :schemaVersion)`;

/** The expression value for {@link NOT_NEWER} for items of `kind`. */
export function notNewerValues(kind: ItemKind): { ':schemaVersion': number } {
  return { ':schemaVersion': schema.current(kind) };
}

function versionOf(item: Item, row: string): number {
  const v = item[SCHEMA_VERSION];
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new InvalidError(`${row} has an invalid ${SCHEMA_VERSION} ${JSON.stringify(v)}`);
  return v;
}
