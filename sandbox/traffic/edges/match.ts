/** Request matching helpers shared by the ingress controllers' readers. Pure. */
import { fullMatch, type SimRequest } from '../matching.js';

/** `a=b; c=d` → the value of cookie `name`. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** A header condition of Contour or Gloo (Envoy regexes are full matches). */
export interface HeaderCondition {
  name: string;
  exact?: string;
  notexact?: string;
  regex?: string;
  contains?: string;
  notcontains?: string;
  present?: boolean;
  notpresent?: boolean;
}

/** Whether `req` satisfies a header condition. */
export function headerHolds(h: HeaderCondition, req: SimRequest): boolean {
  const got = req.headers[h.name.toLowerCase()];
  if (h.notpresent) return got === undefined;
  if (got === undefined) return false;
  if (h.exact !== undefined && got !== h.exact) return false;
  if (h.notexact !== undefined && got === h.notexact) return false;
  if (h.regex !== undefined && !fullMatch(h.regex, got)) return false;
  if (h.contains !== undefined && !got.includes(h.contains)) return false;
  if (h.notcontains !== undefined && got.includes(h.notcontains)) return false;
  return true;
}

/** Weights where all are absent or 0 mean an even split (Contour); otherwise as given. */
export function evenWhenUnset<T extends { weight: number }>(items: T[]): T[] {
  return items.every((i) => i.weight === 0) ? items.map((i) => ({ ...i, weight: 1 })) : items;
}
