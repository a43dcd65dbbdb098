/**
 * Discovery documents derived from the resource table: /version, /api, /api/v1, /apis,
 * /apis/<group>, /apis/<group>/<version>, plus minimal /openapi/v2 and /openapi/v3 answers.
 * The version reported is v1.30.0 so version-dispatching kubectl binaries pick a 1.30 client.
 */
import { apiGroups, resourcesIn } from './resources.js';

/** The Kubernetes version the sandbox claims to be. */
export const SERVER_VERSION = { major: '1', minor: '30', gitVersion: 'v1.30.0-sandbox' } as const;

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
export function groupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map((g) => group(g.name, g.versions)),
  };
}

/** GET /apis/<group>, or undefined when the group is not served. */
export function groupInfo(name: string): Record<string, unknown> | undefined {
  const found = apiGroups().find((g) => g.name === name);
  return found && { kind: 'APIGroup', apiVersion: 'v1', ...group(found.name, found.versions) };
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update'];

/** GET /api/v1 or /apis/<group>/<version>, or undefined when not served. */
export function resourceList(groupName: string, version: string): Record<string, unknown> | undefined {
  const served = resourcesIn(groupName, version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap((r) => {
    const main = {
      name: r.plural,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames && r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    };
    const status = {
      name: `${r.plural}/status`,
      singularName: '',
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['get', 'patch', 'update'],
    };
    return r.status ? [main, status] : [main];
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
export function openApiV3(): Record<string, unknown> {
  const gvs = [{ name: '', versions: ['v1'] }, ...apiGroups()].flatMap((g) =>
    g.versions.map((v) => gvPath(g.name, v)),
  );
  return {
    paths: Object.fromEntries(
      gvs.map((p) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${SERVER_VERSION.gitVersion}` }]),
    ),
  };
}

/**
 * GET /openapi/v3/<api|apis/group>/<version>: no schemas, only a PATCH operation per kind that
 * declares the `fieldValidation` query parameter. That is what kubectl (1.27+) looks for to decide the
 * server validates fields itself, so `kubectl apply/create` work without `--validate=false`.
 * (The sandbox accepts fieldValidation and does not validate fields.)
 */
export function openApiV3GroupVersion(path: string): Record<string, unknown> | undefined {
  const m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const groupName = m[2] ?? '';
  const served = resourcesIn(groupName, m[1] ?? m[3] ?? '');
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
