/**
 * Prometheus' instant-query HTTP API (`GET /api/v1/query`) answered by a {@link MetricsProvider} —
 * the sandbox metrics provider on the virtual clock, say — so a MetricTemplate whose provider
 * address points here is read through the real Prometheus client, as in a cluster. Only the forms
 * a provider answers with one value; everything else is Prometheus' `bad_data` error.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsProvider } from '../../lib/ports/metrics.js';

/** A running API: its address (a MetricTemplate's `provider.address`) and every query it answered. */
export interface PrometheusApi {
  url: string;
  queries: string[];
  close(): Promise<void>;
}

export async function servePrometheusApi(provider: MetricsProvider): Promise<PrometheusApi> {
  const queries: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = url.searchParams.get('query') ?? '';
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/v1/query') {
      reply(404, { status: 'error', errorType: 'not_found', error: url.pathname });
      return;
    }
    queries.push(q);
    void provider.query(q, new AbortController().signal).then((r) => {
      if (r.kind === 'error') reply(400, { status: 'error', errorType: 'bad_data', error: r.message });
      else {
        const result =
          r.kind === 'value' ? [{ metric: {}, value: [Date.now() / 1000, String(r.value)] }] : [];
        reply(200, { status: 'success', data: { resultType: 'vector', result } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
