/**
 * Datadog's v1 metrics API as a local HTTP server, answering as Datadog's API reference documents
 * it: `GET /api/v1/validate` (`{"valid":true}`) and `GET /api/v1/query?from=&to=&query=`
 * (MetricsQueryResponse: `status`, `res_type`, `series[].pointlist` of `[epoch ms, value]`, …),
 * both behind the `DD-API-KEY` and `DD-APPLICATION-KEY` headers (403 `{"errors":["Forbidden"]}`
 * otherwise). What a query answers is scripted per test: a value (one series whose first point
 * holds it), no series, or a raw HTTP answer (429, 5xx, a hang).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One query as the server received it. */
export interface DatadogRequest {
  path: string;
  query: string;
  from: number;
  to: number;
  headers: IncomingHttpHeaders;
}

/** What a query answers: a number (null: a null point), no series, an HTTP answer, or nothing. */
type DatadogAnswer =
  | number
  | null
  | { series: 'none' | 'emptyPointlist' }
  | { status: number; body: unknown; headers?: Record<string, string> }
  | 'hang';

export interface DatadogApi {
  url: string;
  /** Every `/api/v1/query` request, in order. */
  requests: DatadogRequest[];
  /** Every path requested, keys valid or not. */
  paths: string[];
  /** Decides each query's answer; default 0. */
  answer: (r: DatadogRequest) => DatadogAnswer | Promise<DatadogAnswer>;
  close(): Promise<void>;
}

/** A MetricsQueryResponse with one series whose points are `values`, one per 20 s from `from`. */
function queryResponse(r: DatadogRequest, values: (number | null)[]): unknown {
  const fromMs = r.from * 1000;
  const pointlist = values.map((v, i) => [fromMs + i * 20_000, v]);
  const series = [
    {
      aggr: 'sum',
      display_name: r.query,
      end: fromMs + Math.max(values.length - 1, 0) * 20_000 + 19_999,
      expression: r.query,
      interval: 20,
      length: values.length,
      metric: r.query,
      pointlist,
      query_index: 0,
      scope: '*',
      start: fromMs,
      tag_set: [],
      unit: null,
    },
  ];
  return {
    status: 'ok',
    res_type: 'time_series',
    resp_version: 1,
    query: r.query,
    from_date: r.from * 1000,
    to_date: r.to * 1000,
    series,
    message: '',
    group_by: [],
    values: [],
    times: [],
  };
}

function noSeries(r: DatadogRequest): unknown {
  return { ...(queryResponse(r, []) as object), series: [] };
}

/** Starts the API accepting exactly `keys`. */
export async function serveDatadogApi(keys: { apiKey: string; applicationKey: string }): Promise<DatadogApi> {
  const api: DatadogApi = {
    url: '',
    requests: [],
    paths: [],
    answer: () => 0,
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    api.paths.push(url.pathname);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const ok =
      req.headers['dd-api-key'] === keys.apiKey && req.headers['dd-application-key'] === keys.applicationKey;
    if (url.pathname === '/api/v1/validate') {
      if (req.headers['dd-api-key'] === keys.apiKey) reply(200, { valid: true });
      else reply(403, { errors: ['Forbidden'] });
      return;
    }
    if (url.pathname !== '/api/v1/query') return reply(404, { errors: ['Not found'] });
    if (!ok) return reply(403, { errors: ['Forbidden'] });
    const p = url.searchParams;
    const r: DatadogRequest = {
      path: url.pathname,
      query: p.get('query') ?? '',
      from: Number(p.get('from')),
      to: Number(p.get('to')),
      headers: req.headers,
    };
    if (!p.get('query') || !Number.isInteger(r.from) || !Number.isInteger(r.to) || r.from >= r.to) {
      return reply(400, { errors: ["The value provided for parameter 'query', 'from' or 'to' is invalid"] });
    }
    api.requests.push(r);
    void Promise.resolve(api.answer(r)).then((a) => {
      if (a === 'hang') return;
      if (a === null || typeof a === 'number') return reply(200, queryResponse(r, [a, 0.5]));
      if ('series' in a) {
        return reply(200, a.series === 'none' ? noSeries(r) : queryResponse(r, []));
      }
      reply(a.status, a.body, a.headers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}
