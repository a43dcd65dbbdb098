import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifests, ofKind, parseText, place, type Manifest } from '../../../cli/documents.js';
import { UsageError, type Io } from '../../../cli/io.js';

const canary = (name: string, ns?: string) =>
  `apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec: {}\n`;

let root: string;
const io = (stdin = ''): Io => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  env: {},
  readStdin: () => Promise.resolve(stdin),
});

/** A Flux/kustomize folder: nested apps, multi-document files, JSON, a List, files to ignore. */
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-docs-'));
  const files: Record<string, string> = {
    'apps/podinfo/kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [canary.yaml]\n',
    'apps/podinfo/canary.yaml': `${canary('podinfo', 'test')}---\napiVersion: v1\nkind: Service\nmetadata: { name: podinfo }\n---\n`,
    'apps/podinfo/deployment.yml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: podinfo }\n',
    'apps/backend/canary.json':
      '{\n\t"apiVersion": "flagger.app/v1beta1",\n\t"kind": "Canary",\n\t"metadata": {"name": "backend"}\n}\n',
    'apps/backend/list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - ${JSON.stringify({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'a' } })}\n  - ${JSON.stringify({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'b' } })}\n`,
    'apps/empty.yaml': '# nothing here\n',
    '.git/config.yaml': 'kind: Canary\n',
    'README.md': '# not a manifest\n',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
});

describe('loadManifests', () => {
  it('reads every yaml/yml/json file below a folder, sorted, multi-document and Lists expanded', async () => {
    const docs = await loadManifests(io(), [root]);
    expect(docs.map((d) => [d.source.replace(root, '.'), d.kind])).toEqual([
      ['./apps/backend/canary.json', 'Canary'],
      ['./apps/backend/list.yaml#1', 'Canary'],
      ['./apps/backend/list.yaml#2', 'Canary'],
      ['./apps/podinfo/canary.yaml#1', 'Canary'],
      ['./apps/podinfo/canary.yaml#2', 'Service'],
      ['./apps/podinfo/deployment.yml', 'Deployment'],
      ['./apps/podinfo/kustomization.yaml', 'Kustomization'],
    ]);
  });

  it('reads standard input with -, and several -f in order', async () => {
    const docs = await loadManifests(io(canary('x')), ['-', join(root, 'apps/podinfo/deployment.yml')]);
    expect(docs.map((d) => [d.source.replace(root, '.'), d.kind])).toEqual([
      ['-', 'Canary'],
      ['./apps/podinfo/deployment.yml', 'Deployment'],
    ]);
  });

  it('refuses a missing path and a YAML syntax error with its place (usage errors)', async () => {
    await expect(loadManifests(io(), ['/no/such/dir'])).rejects.toEqual(
      new UsageError('cannot read /no/such/dir: no such file or directory'),
    );
    await expect(parseText('kind: Canary\nspec: [1, 2\n', 'bad.yaml')).rejects.toThrow(
      /^cannot parse bad\.yaml: YAML syntax error at line \d+, column \d+: /,
    );
    await expect(parseText('- a\n- b\n', 'list.yaml')).rejects.toThrow('list.yaml: expected a mapping');
  });
});

describe('ofKind', () => {
  it('keeps one kind and names what it skipped', async () => {
    const { selected, skipped } = ofKind(await loadManifests(io(), [root]), 'Canary');
    expect(selected).toHaveLength(4);
    expect(skipped).toBe('skipped 3 documents that are not Canary: Service, Deployment, Kustomization');
    const services: Manifest[] = [1, 2].map((i) => ({ source: `s${i}`, kind: 'Service', value: {} }));
    expect(ofKind(services, 'Canary').skipped).toBe('skipped 2 documents that are not Canary: Service ×2');
    expect(ofKind([], 'Canary').skipped).toBeUndefined();
  });
});

describe('place', () => {
  const doc = (name: string, ns?: string): Manifest => ({
    source: `${name}.yaml`,
    kind: 'Canary',
    value: { kind: 'Canary', metadata: ns ? { name, namespace: ns } : { name } },
  });

  it('fills a missing namespace from -n (else default) and keeps a given one', () => {
    const [a, b] = place([doc('a'), doc('b', 'test')], 'test');
    expect(a).toMatchObject({
      namespace: 'test',
      name: 'a',
      body: { metadata: { name: 'a', namespace: 'test' } },
    });
    expect(b).toMatchObject({ namespace: 'test', name: 'b' });
    expect(place([doc('a')], undefined)[0]).toMatchObject({ namespace: 'default', body: doc('a').value });
  });

  it('refuses a namespace that contradicts -n, and the same object twice', () => {
    expect(() => place([doc('a', 'prod')], 'test')).toThrow(
      'a.yaml: namespace "prod" does not match -n test',
    );
    expect(() => place([doc('a', 'x'), { ...doc('a', 'x'), source: 'b.yaml' }], undefined)).toThrow(
      'b.yaml: Canary x/a is also defined in a.yaml',
    );
  });
});
