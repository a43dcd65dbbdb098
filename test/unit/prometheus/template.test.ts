import { describe, expect, it } from 'vitest';

import { TemplateRenderError } from '../../../lib/adapters/prometheus/errors.js';
import { renderTemplate, type TemplateVariables } from '../../../lib/adapters/prometheus/template.js';

const vars: TemplateVariables = {
  name: 'podinfo',
  namespace: 'test',
  target: 'podinfo-deploy',
  primary: 'podinfo-deploy-primary',
  service: 'podinfo-svc',
  ingress: 'podinfo-ing',
  route: 'podinfo-route',
  interval: '2m',
  variables: { reporter: 'source', app_label: 'app' },
};

describe('renderTemplate', () => {
  it.each([
    {
      name: 'every variable',
      text: '{{ name }} {{ namespace }} {{ target }} {{ service }} {{ ingress }} {{ route }} {{ interval }}',
      want: 'podinfo test podinfo-deploy podinfo-svc podinfo-ing podinfo-route 2m',
    },
    { name: 'no spaces', text: '{{namespace}}/{{target}}', want: 'test/podinfo-deploy' },
    {
      name: 'the primary workload, to compare against it',
      text: 'w=~"{{ target }}" / w=~"{{primary}}"',
      want: 'w=~"podinfo-deploy" / w=~"podinfo-deploy-primary"',
    },
    { name: 'odd spacing', text: '{{   namespace}}/{{target   }}', want: 'test/podinfo-deploy' },
    {
      name: 'templateVariables',
      text: 'reporter="{{ variables.reporter }}",{{variables.app_label}}="x"',
      want: 'reporter="source",app="x"',
    },
    { name: 'trim markers', text: 'a   {{- namespace -}}   b', want: 'atestb' },
    { name: 'comments render nothing', text: 'x{{/* why */}}y', want: 'xy' },
    {
      name: 'no actions',
      text: 'sum(rate(http_requests_total[1m]))',
      want: 'sum(rate(http_requests_total[1m]))',
    },
    {
      name: 'a realistic query',
      text: 'sum(rate(http_errors{ns="{{ namespace }}", app="{{ target }}"}[{{ interval }}]))',
      want: 'sum(rate(http_errors{ns="test", app="podinfo-deploy"}[2m]))',
    },
  ])('$name', ({ text, want }) => {
    expect(renderTemplate(text, vars)).toBe(want);
  });

  it.each([
    { name: 'an unknown variable', text: 'x{{ region }}', message: 'unknown template variable "region"' },
    {
      name: 'a missing templateVariable',
      text: '{{ variables.zone }}',
      message: 'template variable "variables.zone" is not set (templateVariables has: reporter, app_label)',
    },
    {
      name: 'an inherited key',
      text: '{{ variables.constructor }}',
      message: '"variables.constructor" is not set',
    },
    { name: 'Go pipelines', text: '{{ target | printf "%s" }}', message: 'unsupported template expression' },
    { name: 'Go dot fields', text: '{{ .Name }}', message: 'unsupported template expression "{{ .Name }}"' },
    { name: 'an unclosed action', text: 'rate(x[{{ interval ]', message: 'unclosed "{{" at offset 7' },
  ])('rejects $name', ({ text, message }) => {
    const call = () => renderTemplate(text, vars);
    expect(call).toThrow(TemplateRenderError);
    expect(call).toThrow(message);
  });

  it('rejects an empty value instead of rendering a hole', () => {
    expect(() => renderTemplate('{{ service }}', { ...vars, service: '' })).toThrow(
      'template variable "service" is empty',
    );
  });

  it('renders the cluster and its label matchers; no labels render as nothing', () => {
    const text = 'up{ {{ clusterLabels }}namespace="{{ namespace }}" } # {{ cluster }}';
    expect(renderTemplate(text, { ...vars, cluster: 'prod-eu', clusterLabels: 'cluster="prod-eu",' })).toBe(
      'up{ cluster="prod-eu",namespace="test" } # prod-eu',
    );
    expect(renderTemplate('up{ {{ clusterLabels }}job="x" }', vars)).toBe('up{ job="x" }');
    expect(() => renderTemplate('{{ cluster }}', vars)).toThrow('template variable "cluster" is empty');
  });

  it('says when templateVariables is empty', () => {
    expect(() => renderTemplate('{{ variables.a }}', { ...vars, variables: {} })).toThrow(
      'templateVariables is empty',
    );
  });
});
