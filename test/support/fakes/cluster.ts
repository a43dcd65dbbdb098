/**
 * An in-memory cluster behind the ClusterAccess/ClusterHandle ports (lib/ports/clusters.ts): the
 * target and primary Deployments, the apex Service's choice, one routing object and the Kubernetes
 * Events. Readiness is judged by the domain's one rule (assessReadiness), as the Kubernetes
 * adapter does, so a primary scaled to zero is not ready here either. Like the adapters, a fake
 * writes only what changes, and the handle says whether the step wrote (`wrote()`).
 */
import { assessReadiness } from '../../../lib/domain/decide/index.js';
import type { Stamps } from '../../../lib/domain/sweep/seen.js';
import * as spec from '../../../lib/domain/spec/accessors.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import type { ClusterRecord } from '../../../lib/ports/cluster.js';
import { UnknownClusterError, type ClusterAccess, type ClusterHandle } from '../../../lib/ports/clusters.js';
import { NotFoundError } from '../../../lib/ports/errors.js';
import type { MetricsProvider, MetricTemplate } from '../../../lib/ports/metrics.js';
import type { Router, RouteWeights } from '../../../lib/ports/router.js';
import type {
  ApexTarget,
  EventRecorder,
  Readiness,
  RecordedEvent,
  Scaler,
  TargetRevision,
  WorkloadRole,
  Workloads,
} from '../../../lib/ports/workloads.js';
import { Calls } from './calls.js';
import { FakeHooks, FakeMetrics } from './checks.js';

/** A Deployment as the fake cluster keeps it: its pod template revision and replicas. */
interface FakeDeployment {
  revision: string;
  replicas: number;
  /** Available replicas; default all of them (a rollout that has finished). */
  available?: number;
}

/** Notes that a fake changed the cluster. */
type Changed = () => void;

/** The target and its `-primary` copy. */
class FakeWorkloads implements Workloads {
  readonly calls = new Calls();
  constructor(private readonly changed: Changed) {}
  /** The target Deployment (`podinfo`), two replicas of rev-1 unless a test says otherwise. */
  target?: FakeDeployment = { revision: 'rev-1', replicas: 2 };
  trackedConfigs: Record<string, string> = {};
  /** The primary Deployment; created by `bootstrap`. */
  primary?: FakeDeployment;
  /** Which pods the apex Service selects; undefined until `pointApex`. */
  apex?: ApexTarget;

  async bootstrap(canary: Canary): Promise<void> {
    await this.calls.enter('bootstrap', canary);
    if (!this.target) throw new NotFoundError(`Deployment ${spec.targetName(canary)} not found`);
    if (this.primary) return;
    this.primary = { revision: this.target.revision, replicas: this.target.replicas };
    this.changed();
  }

  async pointApex(canary: Canary, at: ApexTarget): Promise<void> {
    await this.calls.enter('pointApex', canary, at);
    if (this.apex !== at) this.changed();
    this.apex = at;
  }

  async readiness(canary: Canary, role: WorkloadRole, now: Date): Promise<Readiness> {
    await this.calls.enter('readiness', canary, role, now);
    const d = role === 'primary' ? this.primary : this.target;
    const name = role === 'primary' ? spec.primaryName(canary) : spec.targetName(canary);
    if (!d) throw new NotFoundError(`Deployment ${name} not found`);
    const available = d.available ?? d.replicas;
    return assessReadiness(
      {
        name,
        generation: 1,
        observedGeneration: 1,
        replicas: d.replicas,
        updatedReplicas: d.replicas,
        statusReplicas: d.replicas,
        availableReplicas: available,
        conditions: [],
      },
      {
        readyThresholdPercent:
          role === 'primary' ? spec.primaryReadyThreshold(canary) : spec.canaryReadyThreshold(canary),
        progressDeadlineSeconds: spec.progressDeadlineSeconds(canary),
        now: now.getTime(),
        isPrimary: role === 'primary',
      },
    );
  }

  async revision(
    canary: Canary,
    _signal?: AbortSignal,
    opts?: { configs?: boolean },
  ): Promise<TargetRevision> {
    await this.calls.enter('revision', canary, opts);
    if (!this.target) throw new NotFoundError(`Deployment ${spec.targetName(canary)} not found`);
    const { revision } = this.target;
    return opts?.configs === false ? { revision } : { revision, trackedConfigs: { ...this.trackedConfigs } };
  }

  async promote(canary: Canary): Promise<void> {
    await this.calls.enter('promote', canary);
    if (!this.target || !this.primary)
      throw new NotFoundError(`Deployment ${spec.primaryName(canary)} not found`);
    if (this.primary.revision !== this.target.revision) this.changed();
    this.primary.revision = this.target.revision;
  }
}

/** Scales the target of a {@link FakeWorkloads}. */
class FakeScaler implements Scaler {
  readonly calls = new Calls();
  constructor(
    private readonly workloads: FakeWorkloads,
    private readonly changed: Changed,
  ) {}

  async scaleToZero(canary: Canary): Promise<void> {
    await this.calls.enter('scaleToZero', canary);
    const { target } = this.workloads;
    if (target && target.replicas !== 0) this.changed();
    if (target) target.replicas = 0;
  }

  async scaleUp(canary: Canary, like: 'canary' | 'primary'): Promise<number> {
    await this.calls.enter('scaleUp', canary, like);
    const { target, primary } = this.workloads;
    if (!target) throw new NotFoundError(`Deployment ${spec.targetName(canary)} not found`);
    const own = like === 'canary' && target.replicas > 0 ? target.replicas : undefined;
    const replicas = own ?? primary?.replicas ?? 1;
    if (target.replicas !== replicas) this.changed();
    target.replicas = replicas;
    return target.replicas;
  }
}

/** The Kubernetes Events recorded on the target (notifications: not a change, see `wrote()`). */
class FakeEvents implements EventRecorder {
  readonly calls = new Calls();
  readonly recorded: RecordedEvent[] = [];

  async record(canary: Canary, event: RecordedEvent): Promise<void> {
    await this.calls.enter('record', canary, event);
    this.recorded.push({ ...event });
  }

  /** The reasons recorded, in order. */
  reasons(): string[] {
    return this.recorded.map((e) => e.reason);
  }
}

/** One routing object; `foreign` stands for one a team had before, which reconcile takes over. */
class FakeRouter implements Router {
  readonly calls = new Calls();
  /** The live split; undefined until reconcile creates (or takes over) the routing object. */
  routes?: RouteWeights;
  /** Someone else's object (its description); reading it finds no routes of ours. */
  foreign?: string;
  /** What reading a foreign object throws; by default it reads as "no routes" (undefined). */
  foreignReadError?: Error;
  constructor(private readonly changed: Changed) {}

  async reconcile(canary: Canary): Promise<string[]> {
    await this.calls.enter('reconcile', canary);
    const notes = this.foreign ? [`${this.foreign} taken over: routes to primary and canary`] : [];
    if (this.foreign || !this.routes) this.changed();
    this.foreign = undefined;
    this.routes ??= { primary: 100, canary: 0, mirrored: false };
    return notes;
  }

  async getRoutes(canary: Canary): Promise<RouteWeights | undefined> {
    await this.calls.enter('getRoutes', canary);
    if (this.foreign && this.foreignReadError) throw this.foreignReadError;
    return this.foreign || !this.routes ? undefined : { ...this.routes };
  }

  async setRoutes(canary: Canary, w: RouteWeights): Promise<void> {
    await this.calls.enter('setRoutes', canary, w);
    if (JSON.stringify(this.routes) !== JSON.stringify(w)) this.changed();
    this.routes = { ...w };
  }

  async finalize(canary: Canary): Promise<void> {
    await this.calls.enter('finalize', canary);
    if (this.routes) this.changed();
    this.routes = undefined;
  }
}

/** Everything of one cluster; `router(provider)` records which provider was asked for. */
export class FakeCluster implements ClusterHandle {
  /** Changes made since the step began (FakeClusterAccess.get starts a step). */
  private changes = 0;
  private readonly changed: Changed = () => void this.changes++;
  readonly workloads = new FakeWorkloads(this.changed);
  readonly scaler = new FakeScaler(this.workloads, this.changed);
  readonly events = new FakeEvents();
  readonly hooks = new FakeHooks();
  readonly routes = new FakeRouter(this.changed);
  readonly metricsServer = new FakeMetrics();
  /** The provider of each `router()` call. */
  readonly providers: string[] = [];

  constructor(
    readonly record: ClusterRecord = {
      name: 'test-cluster',
      kind: 'endpoint',
      server: 'https://10.0.0.1:6443',
    },
  ) {}

  router(provider: spec.Provider): Router {
    this.providers.push(provider);
    return this.routes;
  }

  /** The template of each `metrics()` call (undefined: the default server), with its interval. */
  readonly metricsAsked: { template?: MetricTemplate; intervalSeconds?: number }[] = [];
  /** The server of each template asked for, by `namespace/name` (made on first use). */
  readonly templateServers = new Map<string, FakeMetrics>();

  metrics(template: MetricTemplate | undefined, intervalSeconds?: number): MetricsProvider {
    this.metricsAsked.push({ template, intervalSeconds });
    return template ? this.templateServer(template) : this.metricsServer;
  }

  /** The server of `template` (made on first use). */
  templateServer(template: Pick<MetricTemplate, 'namespace' | 'name'>): FakeMetrics {
    const at = `${template.namespace}/${template.name}`;
    if (!this.templateServers.has(at)) this.templateServers.set(at, new FakeMetrics());
    return this.templateServers.get(at)!;
  }

  /** Target group ARNs by `namespace/service` (the alb builtins read them); none unless a test sets them. */
  targetGroupArns: Record<string, string[]> = {};
  /** `namespace/service` of each targetGroups() question. */
  readonly targetGroupQuestions: string[] = [];

  targetGroups(namespace: string, service: string): Promise<readonly string[]> {
    this.targetGroupQuestions.push(`${namespace}/${service}`);
    return Promise.resolve(this.targetGroupArns[`${namespace}/${service}`] ?? []);
  }

  /**
   * The fakes make no Kubernetes requests: a step saw the stamps a test puts here (none unless it
   * does), as the Kubernetes adapter's ledger would report them.
   */
  stamps: Record<string, string> = {};

  touched(): Stamps {
    return { ...this.stamps };
  }

  wrote(): boolean {
    return this.changes > 0;
  }

  /** A step begins: nothing written yet (one FakeCluster serves every step). */
  beginStep(): void {
    this.changes = 0;
  }
}

/** The registered clusters by name. */
export class FakeClusterAccess implements ClusterAccess {
  readonly calls = new Calls();
  private readonly byName = new Map<string, FakeCluster>();

  constructor(...clusters: FakeCluster[]) {
    for (const c of clusters) this.byName.set(c.record.name, c);
  }

  async get(cluster: string): Promise<ClusterHandle> {
    await this.calls.enter('get', cluster);
    const c = this.byName.get(cluster);
    if (!c) throw new UnknownClusterError(cluster);
    c.beginStep();
    return c;
  }
}
