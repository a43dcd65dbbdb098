/**
 * Persistence of one sandbox's objects in a JSON file (SandboxOptions.dataFile), so local mode can
 * restart with the same cluster: every object with its uid, resourceVersion, generation and
 * creationTimestamp, the resourceVersion counter, server-side-apply bookkeeping, and the types each
 * object was written as (CRDs are objects too, so their types come back with them). The file is
 * written after changes (debounced) and on close, atomically (temporary file, then rename).
 * Not persisted: watch history (watches from an older resourceVersion get 410 Expired, as after an
 * etcd compaction), pending rollout timers (resumed on load), in-process proxy targets, the request log.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoreSnapshot } from './writes.js';

const FORMAT = 'sandbox.flagger.app/v1';

interface DataFile extends StoreSnapshot {
  format: typeof FORMAT;
  savedAt: string;
}

/** Reads a data file; undefined when it does not exist. Throws on a malformed file. */
export async function loadSnapshot(path: string): Promise<StoreSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const data = JSON.parse(text) as Partial<DataFile>;
  if (data.format !== FORMAT || !Array.isArray(data.objects) || typeof data.resourceVersion !== 'number')
    throw new Error(`${path} is not a sandbox data file (format ${FORMAT})`);
  return { resourceVersion: data.resourceVersion, objects: data.objects, applied: data.applied ?? {} };
}

/** Writes snapshots to one file: debounced after changes, immediately on flush. */
export class Persister {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly snapshot: () => StoreSnapshot,
    private readonly debounceMs = 250,
  ) {}

  /** Notes a change; the file is written `debounceMs` after the last one. */
  changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) =>
        process.emitWarning(`sandbox: could not write ${this.path}: ${String(error)}`),
      );
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Writes the current state now if it changed since the last write. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const data: DataFile = { format: FORMAT, savedAt: new Date().toISOString(), ...this.snapshot() };
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(dirname(this.path), { recursive: true });
        const temporary = `${this.path}.${process.pid}.tmp`;
        await writeFile(temporary, `${JSON.stringify(data)}\n`, { mode: 0o600 });
        await rename(temporary, this.path);
      });
    return this.writing;
  }
}
