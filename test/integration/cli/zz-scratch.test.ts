import { AppsV1Api } from '@kubernetes/client-node';
import { it } from 'vitest';
import { startStack } from '../../../local/stack.js';
import { kubeConfigFor, startSandbox } from '../../support/sandbox.js';

it('explores', async () => {
  const sandbox = await startSandbox({ namespaces: ['default', 'test'], rolloutDelayMs: 50 });
  const logs: string[] = []; const logs2: string[] = [];
  const line = (l: string) => (m: string, f?: Record<string, unknown>) => logs.push(`${l} ${m} ${JSON.stringify(f)}`);
  const stack = await startStack({ token: 't', dispatchEveryMs: 100, logger: { info: line('I'), warn: line('W'), error: line('E') } });
  await stack.registerCluster({ name: 'sandbox', kind: 'endpoint', server: sandbox.url, caData: sandbox.caData, token: sandbox.token });
  const apps = kubeConfigFor(sandbox).makeApiClient(AppsV1Api);
  const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo', namespace: 'test' }, spec: { replicas: 1, selector: { matchLabels: { app: 'podinfo' } }, template: { metadata: { labels: { app: 'podinfo' } }, spec: { containers: [{ name: 'podinfo', image: 'podinfo:1' }] } } } };
  await apps.createNamespacedDeployment({ namespace: 'test', body: dep });
  const manifest = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  provider: kubernetes
  skipAnalysis: true
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis: { interval: 10s, threshold: 2, iterations: 1 }
`;
  const h = { authorization: 'Bearer t' };
  let r = await fetch(`${stack.url}/canaries?cluster=sandbox`, { method: 'POST', headers: h, body: manifest });
  console.log(r.status, await r.text().then((t) => t.slice(0, 300)));
  const show = async () => { const x = await (await fetch(`${stack.url}/canaries/sandbox/test/podinfo`, { headers: h })).json(); return `${x.phase} w=${x.canaryWeight} next=${x.nextRunAt} last=${x.lastStep?.reason}: ${x.lastStep?.explanation}`; };
  let prev = ''; const t0 = Date.now(); const poll = async (n: number) => { for (let i = 0; i < n; i++) { const x = await show(); if (x.split(' next=')[0] + x.split('last=')[1] !== prev) logs2.push(`${Date.now() - t0} ${x}`); prev = x.split(' next=')[0] + x.split('last=')[1]; await new Promise((res) => setTimeout(res, 250)); } };
  await poll(60);
  await apps.patchNamespacedDeployment({ namespace: 'test', name: 'podinfo', body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'podinfo:2' }] });
  await poll(240);
  console.log(logs2.join('\n'));
  console.log(logs.filter((l) => l.startsWith('E') || l.startsWith('W')).slice(-10).join('\n'));
  await stack.close(); await sandbox.close();
}, 60_000);
