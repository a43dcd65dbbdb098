/**
 * Flagger's query templating (docs/flagger-compatibility.md#template-variables) without Go:
 * `{{ name }}`, `{{ namespace }}`, `{{ target }}`, `{{ service }}`, `{{ ingress }}`, `{{ route }}`,
 * `{{ interval }}`, our `{{ primary }}` (the primary workload, to compare against it),
 * `{{ cluster }}` and `{{ clusterLabels }}` (cluster isolation) and
 * `{{ variables.<key> }}`. Spacing variants (`{{name}}`), trim markers (`{{- name -}}`) and comments
 * (`{{/* … *\/}}`) are accepted like Go's text/template does. Anything else, and any variable that is
 * not set, is an error naming it: a query never renders with a silent hole. Values are inserted
 * verbatim (Go templates do not escape either).
 */
import { TemplateRenderError } from './errors.js';

/** The values a query template can refer to. */
export interface TemplateVariables {
  name: string;
  namespace: string;
  target: string;
  /** The primary workload's name, `<target>-primary`. */
  primary: string;
  service: string;
  ingress: string;
  route: string;
  interval: string;
  /** The cluster record's name. */
  cluster?: string;
  /** The cluster's label matchers and a comma (`cluster="prod-eu",`), or ''. */
  clusterLabels?: string;
  /** From the check's `templateVariables`. */
  variables: Readonly<Record<string, string>>;
}

const SCALARS = [
  'name',
  'namespace',
  'target',
  'primary',
  'service',
  'ingress',
  'route',
  'interval',
  'cluster',
  'clusterLabels',
] as const;
type Scalar = (typeof SCALARS)[number];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Renders `text`, replacing every `{{ … }}` action; throws {@link TemplateRenderError}. */
export function renderTemplate(text: string, vars: TemplateVariables): string {
  let out = '';
  let pos = 0;
  let trimNext = false;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    const literal = open === -1 ? text.slice(pos) : text.slice(pos, open);
    out += trimNext ? literal.trimStart() : literal;
    if (open === -1) break;
    const close = text.indexOf('}}', open + 2);
    if (close === -1) {
      throw new TemplateRenderError(`unclosed "{{" at offset ${open} in query template`);
    }
    const action = parseAction(text.slice(open + 2, close));
    if (action.trimLeft) out = out.trimEnd();
    out += action.comment ? '' : evaluate(action.expr, vars);
    trimNext = action.trimRight;
    pos = close + 2;
  }
  return out;
}

interface Action {
  expr: string;
  trimLeft: boolean;
  trimRight: boolean;
  comment: boolean;
}

/** Splits Go's trim markers (`{{- ` and ` -}}`, which need the space) from the expression. */
function parseAction(inner: string): Action {
  let body = inner;
  const trimLeft = /^-\s/.test(body);
  if (trimLeft) body = body.slice(1);
  const trimRight = /\s-$/.test(body);
  if (trimRight) body = body.slice(0, -1);
  const expr = body.trim();
  const comment = expr.startsWith('/*') && expr.endsWith('*/');
  return { expr, trimLeft, trimRight, comment };
}

function evaluate(expr: string, vars: TemplateVariables): string {
  if ((SCALARS as readonly string[]).includes(expr)) {
    return scalar(expr as Scalar, vars);
  }
  if (expr.startsWith('variables.')) {
    const key = expr.slice('variables.'.length);
    if (!IDENT.test(key)) {
      throw new TemplateRenderError(`invalid template variable "${expr}": the key must be an identifier`);
    }
    const value = Object.hasOwn(vars.variables, key) ? vars.variables[key] : undefined;
    if (value === undefined) {
      const known = Object.keys(vars.variables);
      const has =
        known.length > 0 ? `templateVariables has: ${known.join(', ')}` : 'templateVariables is empty';
      throw new TemplateRenderError(`template variable "${expr}" is not set (${has})`);
    }
    return value;
  }
  if (IDENT.test(expr)) {
    throw new TemplateRenderError(
      `unknown template variable "${expr}"; available: ${SCALARS.join(', ')}, variables.<key>`,
    );
  }
  throw new TemplateRenderError(
    `unsupported template expression "{{ ${expr} }}"; only ${SCALARS.join(', ')} and variables.<key> are available`,
  );
}

function scalar(key: Scalar, vars: TemplateVariables): string {
  const value = vars[key];
  // clusterLabels is empty for a cluster without labels: it renders as nothing.
  if (key === 'clusterLabels') return value ?? '';
  if (value === undefined || value === '') {
    throw new TemplateRenderError(`template variable "${key}" is empty`);
  }
  return value;
}
