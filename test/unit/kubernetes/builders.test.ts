import type { V1Deployment, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  configRefs,
  isTracked,
  primaryConfig,
  rewriteConfigRefs,
  sameConfig,
  trackedChecksums,
  trackedNames,
} from '../../../lib/adapters/kubernetes/configs.js';
import {
  primaryDeployment,
  promotedPrimary,
  type PrimaryInputs,
} from '../../../lib/adapters/kubernetes/deployments.js';
import { InvalidError } from '../../../lib/adapters/kubernetes/errors.js';
import { primaryHpa, updatedHpa } from '../../../lib/adapters/kubernetes/hpa.js';
import { selectorLabel } from '../../../lib/adapters/kubernetes/labels.js';
import { desiredService, servicePatch } from '../../../lib/adapters/kubernetes/services.js';
import { aCanary } from '../../support/builders.js';
import { aTarget, podSpec } from './fixtures.js';

const canary = aCanary();
const owner = {
  'app.kubernetes.io/managed-by': 'flagger-serverless',
  'flagger-serverless.io/canary': 'podinfo',
};
const allConfigs = {
  configmap: new Set([
    'init-env',
    'podinfo-env',
    'podinfo-envfrom',
    'podinfo-config-vol',
    'podinfo-projected',
  ]),
  secret: new Set([
    'podinfo-secret-env',
    'podinfo-secret-envfrom',
    'podinfo-secret-vol',
    'podinfo-secret-projected',
  ]),
};

function inputs(o: Partial<PrimaryInputs> = {}): PrimaryInputs {
  return { canary, target: aTarget(), tracked: allConfigs, rolloutId: 'id-1', ...o };
}

describe('config references', () => {
  it('finds configs in volumes, projected volumes, env, envFrom and init containers', () => {
    expect(configRefs(podSpec())).toEqual(allConfigs);
  });

  it('renames only tracked references to -primary, without touching the input', () => {
    const spec = podSpec();
    const tracked = {
      configmap: new Set(['podinfo-env', 'podinfo-config-vol', 'podinfo-projected', 'init-env']),
      secret: new Set(['podinfo-secret-vol']),
    };
    const out = rewriteConfigRefs(spec, tracked);
    expect(out.containers[0].env![0].valueFrom!.configMapKeyRef!.name).toBe('podinfo-env-primary');
    expect(out.containers[0].env![1].valueFrom!.secretKeyRef!.name).toBe('podinfo-secret-env');
    expect(out.containers[0].envFrom![0].configMapRef!.name).toBe('podinfo-envfrom');
    expect(out.initContainers![0].envFrom![0].configMapRef!.name).toBe('init-env-primary');
    expect(out.volumes![0].configMap!.name).toBe('podinfo-config-vol-primary');
    expect(out.volumes![1].secret!.secretName).toBe('podinfo-secret-vol-primary');
    expect(out.volumes![2].projected!.sources![0].configMap!.name).toBe('podinfo-projected-primary');
    expect(out.volumes![2].projected!.sources![1].secret!.name).toBe('podinfo-secret-projected');
    expect(spec).toEqual(podSpec());
  });

  it.each([
    { name: 'a ConfigMap', kind: 'configmap' as const, obj: { metadata: {} }, want: true },
    {
      name: 'an opted-out ConfigMap',
      kind: 'configmap' as const,
      obj: { metadata: { annotations: { 'flagger.app/config-tracking': 'disabled' } } },
      want: false,
    },
    { name: 'an Opaque Secret', kind: 'secret' as const, obj: { type: 'Opaque' }, want: true },
    { name: 'an untyped Secret', kind: 'secret' as const, obj: {}, want: true },
    {
      name: 'a basic-auth Secret',
      kind: 'secret' as const,
      obj: { type: 'kubernetes.io/basic-auth' },
      want: true,
    },
    {
      name: 'an ssh-auth Secret',
      kind: 'secret' as const,
      obj: { type: 'kubernetes.io/ssh-auth' },
      want: true,
    },
    { name: 'a TLS Secret', kind: 'secret' as const, obj: { type: 'kubernetes.io/tls' }, want: true },
    {
      name: 'an image-pull Secret',
      kind: 'secret' as const,
      obj: { type: 'kubernetes.io/dockerconfigjson' },
      want: false,
    },
    {
      name: 'a service-account token',
      kind: 'secret' as const,
      obj: { type: 'kubernetes.io/service-account-token' },
      want: false,
    },
    {
      name: 'an opted-out Secret',
      kind: 'secret' as const,
      obj: { type: 'Opaque', metadata: { annotations: { 'flagger.app/config-tracking': 'disabled' } } },
      want: false,
    },
  ])('tracks $name: $want', ({ kind, obj, want }) => {
    expect(isTracked(kind, obj)).toBe(want);
  });

  it('copies a config to -primary with data, type and owner labels; keys checksums by kind/name', () => {
    const secret = {
      kind: 'secret' as const,
      object: {
        metadata: { name: 's', namespace: 'test', labels: { x: 'y' }, resourceVersion: '3' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'QQ==' },
      },
    };
    const copy = primaryConfig(secret, owner);
    expect(copy.object).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's-primary', namespace: 'test', labels: { x: 'y', ...owner } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'QQ==' },
    });
    const cm = { kind: 'configmap' as const, object: { metadata: { name: 'c' }, data: { a: '1' } } };
    expect(Object.keys(trackedChecksums([cm, secret]))).toEqual(['configmap/c', 'secret/s']);
    expect(trackedNames([cm, secret])).toEqual({ configmap: new Set(['c']), secret: new Set(['s']) });
    expect(sameConfig(copy.object, primaryConfig(secret, owner).object)).toBe(true);
    expect(sameConfig(copy.object, { ...copy.object, data: { 'tls.crt': 'Qg==' } })).toBe(false);
  });
});

describe('primary Deployment', () => {
  it('is the target with the -primary selector, pod labels, rollout id and config references', () => {
    const d = primaryDeployment(inputs());
    expect(d.metadata).toEqual({
      name: 'podinfo-primary',
      namespace: 'test',
      labels: { app: 'podinfo-primary', team: 'a', ...owner },
    });
    expect(d.spec!.selector).toEqual({ matchLabels: { app: 'podinfo-primary' } });
    expect(d.spec!.replicas).toBe(2);
    expect(d.spec!.progressDeadlineSeconds).toBe(60);
    expect(d.spec!.minReadySeconds).toBe(3);
    expect(d.spec!.revisionHistoryLimit).toBe(5);
    expect(d.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    expect(d.spec!.template.metadata).toEqual({
      labels: { app: 'podinfo-primary', version: 'v1' },
      annotations: { 'prometheus.io/scrape': 'true', 'flagger-id': 'id-1' },
    });
    expect(d.spec!.template.spec!.volumes![0].configMap!.name).toBe('podinfo-config-vol-primary');
    expect(d.metadata!.resourceVersion).toBeUndefined();
  });

  it('starts with one replica when the target is scaled to zero', () => {
    expect(primaryDeployment(inputs({ target: aTarget({ replicas: 0 }) })).spec!.replicas).toBe(1);
  });

  it('accepts the name and app.kubernetes.io/name selector labels and rejects others', () => {
    for (const key of ['name', 'app.kubernetes.io/name']) {
      const target = aTarget();
      target.spec!.selector = { matchLabels: { [key]: 'podinfo' } };
      expect(primaryDeployment(inputs({ target })).spec!.selector).toEqual({
        matchLabels: { [key]: 'podinfo-primary' },
      });
    }
    expect(() => selectorLabel(canary, { matchLabels: { tier: 'web' } })).toThrow(InvalidError);
  });
});

describe('promotion', () => {
  const live = (): V1Deployment => ({
    ...primaryDeployment(inputs()),
    metadata: { name: 'podinfo-primary', namespace: 'test', resourceVersion: '9' },
  });

  it('is a no-op when the primary already runs the target template (rollout id ignored)', () => {
    expect(promotedPrimary(live(), inputs({ rolloutId: 'id-2' }), true)).toBeUndefined();
  });

  it('copies the new template with a fresh id and keeps resourceVersion and selector', () => {
    const target = aTarget();
    target.spec!.template.spec!.containers[0].image = 'podinfo:6.0.1';
    const out = promotedPrimary(live(), inputs({ target, rolloutId: 'id-2' }), false)!;
    expect(out.metadata!.resourceVersion).toBe('9');
    expect(out.spec!.selector).toEqual({ matchLabels: { app: 'podinfo-primary' } });
    expect(out.spec!.template.spec!.containers[0].image).toBe('podinfo:6.0.1');
    expect(out.spec!.template.metadata!.annotations!['flagger-id']).toBe('id-2');
    expect(out.spec!.template.spec!.containers[0].env![0].valueFrom!.configMapKeyRef!.name).toBe(
      'podinfo-env-primary',
    );
  });

  it('copies replicas only without autoscalerRef', () => {
    const target = aTarget({ replicas: 5 });
    expect(promotedPrimary(live(), inputs({ target }), true)!.spec!.replicas).toBe(5);
    expect(promotedPrimary(live(), inputs({ target }), false)).toBeUndefined();
  });
});

describe('Services', () => {
  const sel = { key: 'app', canaryValue: 'podinfo', primaryValue: 'podinfo-primary' };

  it.each([
    { role: 'apex' as const, name: 'podinfo', selector: 'podinfo-primary' },
    { role: 'canary' as const, name: 'podinfo-canary', selector: 'podinfo' },
    { role: 'primary' as const, name: 'podinfo-primary', selector: 'podinfo-primary' },
  ])('$role: $name selects app=$selector', ({ role, name, selector }) => {
    const s = desiredService(canary, role, sel);
    expect(s.metadata).toEqual({ name, namespace: 'test', labels: { app: selector, ...owner } });
    expect(s.spec).toEqual({
      type: 'ClusterIP',
      selector: { app: selector },
      ports: [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' }],
    });
  });

  it('uses service.name, portName, targetPort and appProtocol', () => {
    const c = aCanary();
    c.spec.service = { name: 'web', port: 80, portName: 'tcp-web', targetPort: 'http', appProtocol: 'http' };
    const s = desiredService(c, 'canary', sel);
    expect(s.metadata!.name).toBe('web-canary');
    expect(s.spec!.ports).toEqual([
      { name: 'tcp-web', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
    ]);
  });

  it("adds each role's service.<role> labels and annotations (Kuma's protocol annotation), and patches in what is missing", () => {
    const c = aCanary();
    const http = { '9898.service.kuma.io/protocol': 'http' };
    c.spec.service = {
      port: 9898,
      apex: { annotations: http },
      canary: { annotations: http, labels: { tier: 'web', app: 'ignored' } },
    };
    expect(desiredService(c, 'apex', sel).metadata).toMatchObject({ annotations: http });
    expect(desiredService(c, 'primary', sel).metadata?.annotations).toBeUndefined();
    const desired = desiredService(c, 'canary', sel);
    expect(desired.metadata).toMatchObject({
      annotations: http,
      labels: { tier: 'web', app: 'podinfo', ...owner },
    });
    const live: V1Service = { metadata: { labels: desired.metadata?.labels }, spec: desired.spec };
    expect(servicePatch(live, desired)).toEqual({ metadata: { annotations: http } });
  });

  it('patches nothing when the live Service matches (server defaults aside)', () => {
    const desired = desiredService(canary, 'apex', sel);
    const live: V1Service = {
      ...desired,
      spec: { ...desired.spec, clusterIP: '10.0.0.1', sessionAffinity: 'None' },
    };
    expect(servicePatch(live, desired)).toBeUndefined();
  });

  it('moves an adopted apex selector to the primary and drops stale selector keys', () => {
    const desired = desiredService(canary, 'apex', sel);
    const live: V1Service = {
      metadata: { name: 'podinfo', labels: { app: 'podinfo' } },
      spec: {
        selector: { app: 'podinfo', tier: 'web' },
        ports: [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP', nodePort: 30001 }],
      },
    };
    expect(servicePatch(live, desired)).toEqual({
      spec: { selector: { app: 'podinfo-primary', tier: null } },
      metadata: { labels: { app: 'podinfo-primary', ...owner } },
    });
  });

  it('replaces differing ports, keeping live nodePorts', () => {
    const desired = desiredService(canary, 'canary', sel);
    const live: V1Service = {
      metadata: desired.metadata,
      spec: {
        selector: { app: 'podinfo' },
        ports: [{ name: 'web', port: 9898, targetPort: 8080, nodePort: 30001 }],
      },
    };
    expect(servicePatch(live, desired)).toEqual({
      spec: { ports: [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP', nodePort: 30001 }] },
    });
  });
});

describe('primary HPA', () => {
  const targetHpa: V2HorizontalPodAutoscaler = {
    metadata: { name: 'podinfo', namespace: 'test', labels: { app: 'podinfo' } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      minReplicas: 2,
      maxReplicas: 4,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    },
  };

  it('targets the primary Deployment with the target HPA bounds', () => {
    const c = aCanary({
      autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' },
    });
    const h = primaryHpa(c, targetHpa);
    expect(h.metadata).toEqual({
      name: 'podinfo-primary',
      namespace: 'test',
      labels: { app: 'podinfo', ...owner },
    });
    expect(h.spec).toEqual({
      ...targetHpa.spec,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo-primary' },
      behavior: undefined,
    });
  });

  it('applies primaryScalerReplicas and updates only a differing live HPA', () => {
    const c = aCanary({
      autoscalerRef: {
        kind: 'HorizontalPodAutoscaler',
        name: 'podinfo',
        primaryScalerReplicas: { minReplicas: 3, maxReplicas: 9 },
      },
    });
    const h = primaryHpa(c, targetHpa);
    expect([h.spec!.minReplicas, h.spec!.maxReplicas]).toEqual([3, 9]);
    const live = { ...h, metadata: { ...h.metadata, resourceVersion: '4' } };
    expect(updatedHpa(live, h)).toBeUndefined();
    const changed = updatedHpa({ ...live, spec: { ...h.spec!, maxReplicas: 4 } }, h)!;
    expect(changed.spec!.maxReplicas).toBe(9);
    expect(changed.metadata!.resourceVersion).toBe('4');
  });
});
