/**
 * The JSONPath subset CRD printer columns use (kube's "simple" paths): `.a.b`, `{.a.b}`, `.a[0]`,
 * `.a[-1]`, `.a[*].b`, `.a['dotted.key']`, and equality filters `.a[?(@.type=="Ready")].status`.
 * Evaluation never throws at run time; a malformed path throws at compile time.
 */
import { isObject } from './json.js';

type Step = (value: unknown) => unknown[];

const field =
  (name: string): Step =>
  (v) =>
    isObject(v) && v[name] !== undefined ? [v[name]] : [];

function bracket(inner: string): Step {
  if (inner === '*')
    return (v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : isObject(v) ? Object.values(v) : []);
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(inner);
  if (quoted) return field(quoted[1] ?? quoted[2] ?? '');
  if (/^-?\d+$/.test(inner)) {
    const i = Number(inner);
    return (v) => (Array.isArray(v) && (v as unknown[]).at(i) !== undefined ? [(v as unknown[]).at(i)] : []);
  }
  const filter = /^\?\(@\.([\w.-]+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|(-?[\d.]+|true|false))\)$/.exec(inner);
  if (filter) {
    const [, path = '', op, dq, sq, literal] = filter;
    const expected = dq ?? sq ?? literal ?? '';
    const test = (item: unknown) => {
      const actual = path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), item);
      const same =
        (typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') &&
        String(actual) === expected;
      return op === '==' ? same : !same;
    };
    return (v) => (Array.isArray(v) ? (v as unknown[]).filter(test) : []);
  }
  throw new Error(`unsupported JSONPath step [${inner}]`);
}

/** Compiles a JSONPath; the result returns every match in document order. */
export function compileJsonPath(path: string): (value: unknown) => unknown[] {
  let rest = path.trim();
  if (rest.startsWith('{') && rest.endsWith('}')) rest = rest.slice(1, -1).trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const steps: Step[] = [];
  while (rest.length > 0) {
    const dot = /^\.([^.[\]]+)/.exec(rest);
    if (dot) {
      steps.push(field(dot[1] ?? ''));
      rest = rest.slice(dot[0].length);
      continue;
    }
    const br = /^\[((?:[^\]'"]|'[^']*'|"[^"]*")*)\]/.exec(rest);
    if (!br) throw new Error(`unsupported JSONPath ${path}`);
    steps.push(bracket((br[1] ?? '').trim()));
    rest = rest.slice(br[0].length);
  }
  return (value) => steps.reduce<unknown[]>((current, step) => current.flatMap(step), [value]);
}
