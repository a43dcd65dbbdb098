/**
 * Discovery documents derived from the sandbox's registry (static kinds plus CRD-defined ones, so
 * a CRD is discoverable as soon as it is written): /version, /api, /api/v1, /apis, /apis/<group>,
 * /apis/<group>/<version>, plus minimal /openapi/v2 and /openapi/v3 answers. The version reported
 * is v1.30.0 so version-dispatching kubectl binaries pick a 1.30 client.
 */
import { createHash } from 'node:crypto';
import type { Registry } from './registry.js';

/** The Kubernetes version the sandbox claims to be. */
const SERVER_VERSION = { major: '1', minor: '30', gitVersion: 'v1.30.0-sandbox' } as const;

/** GET /version. */
export function versionInfo(): Record<string, string> {
  return {
    ...SERVER_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-04-17T00:00:00Z',
    goVersion: 'go1.22.2',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** GET /api. */
export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function group(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** GET /apis. */
export function groupList(registry: Registry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().map((g) => group(g.name, g.versions)),
  };
}

/** GET /apis/<group>, or undefined when the group is not served. */
export function groupInfo(registry: Registry, name: string): Record<string, unknown> | undefined {
  const found = registry.groups().find((g) => g.name === name);
  return found && { kind: 'APIGroup', apiVersion: 'v1', ...group(found.name, found.versions) };
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** GET /api/v1 or /apis/<group>/<version>, or undefined when not served. */
export function resourceList(
  registry: Registry,
  groupName: string,
  version: string,
): Record<string, unknown> | undefined {
  const served = registry.in(groupName, version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap((r) => {
    const main = {
      name: r.plural,
      singularName: r.singular ?? r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames && r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
      ...(r.categories && r.categories.length > 0 ? { categories: r.categories } : {}),
    };
    const sub = (name: string, verbs: string[]) => ({
      name: `${r.plural}/${name}`,
      singularName: '',
      namespaced: r.namespaced,
      kind: r.kind,
      verbs,
    });
    const proxy = r.group === '' && r.kind === 'Service';
    return [
      main,
      ...(r.status ? [sub('status', ['get', 'patch', 'update'])] : []),
      ...(proxy ? [sub('proxy', ['create', 'delete', 'get', 'patch', 'update'])] : []),
    ];
  });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName ? `${groupName}/${version}` : version,
    resources,
  };
}

/** GET /openapi/v2: a valid but empty Swagger document (JSON only). */
export function openApiV2(): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: {},
    definitions: {},
  };
}

function gvPath(groupName: string, version: string): string {
  return groupName ? `apis/${groupName}/${version}` : `api/${version}`;
}

/** GET /openapi/v3: the index of per-group-version documents, one per served group-version. */
export function openApiV3(registry: Registry): Record<string, unknown> {
  const gvs = [{ name: '', versions: ['v1'] }, ...registry.groups()].flatMap((g) =>
    g.versions.map((v) => ({ path: gvPath(g.name, v), types: registry.in(g.name, v) })),
  );
  // The hash changes with the served kinds, so clients drop cached documents when a CRD changes.
  const hash = (types: unknown) =>
    createHash('sha256').update(JSON.stringify(types)).digest('hex').slice(0, 16).toUpperCase();
  return {
    paths: Object.fromEntries(
      gvs.map(({ path, types }) => [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash(types)}` }]),
    ),
  };
}

/**
 * GET /openapi/v3/<api|apis/group>/<version>: no schemas, only a PATCH operation per kind that
 * declares the `fieldValidation` query parameter. That is what kubectl (1.27+) looks for to decide the
 * server validates fields itself, so `kubectl apply/create` work without `--validate=false`.
 * (The sandbox accepts fieldValidation and does not validate fields.)
 */
export function openApiV3GroupVersion(registry: Registry, path: string): Record<string, unknown> | undefined {
  const m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const groupName = m[2] ?? '';
  const served = registry.in(groupName, m[1] ?? m[3] ?? '');
  if (served.length === 0) return undefined;
  const paths = Object.fromEntries(
    served.map((r) => [
      `/${gvPath(r.group, r.version)}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${r.plural}/{name}`,
      {
        patch: {
          'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
          parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
          responses: {},
        },
      },
    ]),
  );
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}
