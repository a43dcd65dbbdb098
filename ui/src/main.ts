/// <reference lib="dom" />
/**
 * The status page: every canary of every cluster (phase, weight, last result, pending gate); for
 * the selected one its charts, its pending gate with approve/abort, and its history. Everything is
 * built with DOM calls and textContent, never from HTML strings.
 */
import { ApiError, get, post, session } from './api.js';
import { drawCharts } from './chart.js';
import type { CanaryItem, HistoryItem } from './types.js';
import './page.css';

const $ = (id: string) => document.getElementById(id)!;
let selected = decodeURIComponent(location.hash.slice(1));

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string | number,
  attrs: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

const idOf = (c: { cluster: string; namespace: string; name: string }) =>
  `${c.cluster}/${c.namespace}/${c.name}`;

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  const m = $('message');
  m.textContent = text;
  m.className = kind;
}

async function start(): Promise<void> {
  const me = await session();
  if (!me) {
    say(
      'Not signed in. Run `flagger-serverless ui` and open the link it prints (it works once, for a few minutes).',
      'error',
    );
    return;
  }
  $('who').textContent = `signed in as ${me.actor}`;
  const refresh = $('refresh');
  refresh.hidden = false;
  refresh.addEventListener('click', () => void load());
  await load();
}

async function load(): Promise<void> {
  const { items } = await get<{ items: CanaryItem[] }>('/canaries');
  const full = await Promise.all(
    items.map((c) => get<CanaryItem>(`/canaries/${c.cluster}/${c.namespace}/${c.name}`)),
  );
  renderList(full);
  if (!full.some((c) => idOf(c) === selected)) selected = full[0] ? idOf(full[0]) : '';
  const chosen = full.find((c) => idOf(c) === selected);
  if (chosen) await renderDetail(chosen);
  else $('detail').hidden = true;
  say(full.length === 0 ? 'No canaries registered.' : `${full.length} canaries`);
}

function renderList(canaries: CanaryItem[]): void {
  $('canaries').hidden = false;
  const body = $('canary-list').querySelector('tbody')!;
  body.replaceChildren(
    ...canaries.map((c) => {
      const row = el('tr', undefined, { 'data-canary': idOf(c) });
      if (idOf(c) === selected) row.className = 'selected';
      const link = el('a', c.name, { href: `#${idOf(c)}` });
      link.addEventListener('click', () => {
        selected = idOf(c);
        void load();
      });
      const name = el('td');
      name.append(link);
      row.append(
        el('td', c.cluster),
        el('td', c.namespace),
        name,
        el('td', c.phase, { class: `phase ${c.phase}` }),
        el('td', `${c.canaryWeight}%`, { 'data-field': 'weight' }),
        el('td', c.lastStep ? c.lastStep.reason : '—', { title: c.lastStep?.explanation ?? '' }),
        el('td', c.pendingGates.join(', ') || '—'),
      );
      return row;
    }),
  );
}

async function renderDetail(c: CanaryItem): Promise<void> {
  const path = `/canaries/${c.cluster}/${c.namespace}/${c.name}`;
  const { items } = await get<{ items: HistoryItem[] }>(`${path}/history?limit=200`);
  const detail = $('detail');
  detail.hidden = false;
  const charts = el('div', undefined, { class: 'charts' });
  detail.replaceChildren(el('h2', idOf(c)), gatePanel(c, path), charts, historyTable(items));
  drawCharts(charts, items);
}

/** The pending gate with approve and abort, or nothing when no gate waits. */
function gatePanel(c: CanaryItem, path: string): HTMLElement {
  const panel = el('div', undefined, { id: 'gate' });
  if (c.pendingGates.length === 0) return panel;
  panel.className = 'pending';
  panel.append(el('strong', `Waiting for approval: ${c.pendingGates.join(', ')}`));
  const act = async (action: string, query = '') => {
    try {
      await post(`${path}/actions/${action}${query}`);
      say(`${action} requested; the next step applies it`);
      await load();
    } catch (e) {
      say(e instanceof ApiError ? `${action} refused: ${e.message}` : String(e), 'error');
    }
  };
  for (const gate of c.pendingGates) {
    const approve = el('button', `Approve ${gate}`, { type: 'button', 'data-action': 'approve' });
    approve.addEventListener('click', () => void act('approve', `?gate=${gate}`));
    panel.append(approve);
  }
  const abort = el('button', 'Abort', { type: 'button', 'data-action': 'abort', class: 'danger' });
  abort.addEventListener('click', () => {
    if (confirm(`Abort the release of ${idOf(c)}? Traffic goes back to the primary.`)) void act('abort');
  });
  panel.append(abort);
  return panel;
}

function historyTable(items: HistoryItem[]): HTMLElement {
  const table = el('table', undefined, { id: 'history' });
  const head = el('tr');
  for (const h of ['Time', 'Kind', 'Actor', 'Phase', 'Weight', 'Reason', 'Checks', 'Explanation'])
    head.append(el('th', h));
  table.append(el('caption', 'History (newest first)'), el('thead'), el('tbody'));
  table.tHead!.append(head);
  for (const r of items) {
    const checks = (r.checks ?? [])
      .map((k) => [k.name, number(k.value), bounds(k.min, k.max), k.verdict].filter(Boolean).join(' '))
      .concat((r.judgements ?? []).map((j) => `judge ${j.metric} ${j.verdict}`))
      .join('; ');
    const row = el('tr', undefined, { 'data-kind': r.kind });
    row.append(
      el('td', new Date(r.at).toISOString().replace('T', ' ').slice(0, 19)),
      el('td', r.kind),
      el('td', r.actor),
      el('td', r.phase),
      el('td', r.canaryWeight === undefined ? '' : `${r.canaryWeight}%`),
      el('td', (r.count ?? 1) > 1 ? `${r.reason} ×${r.count}` : r.reason),
      el('td', checks),
      el('td', r.explanation),
    );
    table.tBodies[0].append(row);
  }
  return table;
}

function number(v: number | undefined): string {
  return v === undefined ? '' : String(Number(v.toPrecision(4)));
}

function bounds(min?: number, max?: number): string {
  if (min === undefined && max === undefined) return '';
  return `[${min ?? ''}..${max ?? ''}]`;
}

start().catch((e: unknown) => say(e instanceof Error ? e.message : String(e), 'error'));
