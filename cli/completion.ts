/**
 * Shell completion scripts (pure), generated from the command table so they cannot drift from it:
 * commands, each command's flags, the values of -o, --gate and --cluster, files after -f, and ids
 * (canaries from `get -A -o name`, templates and alert providers from `<command> list -o name`),
 * asked of the API with the --url/--token typed on the line and a 2 s request timeout.
 */
import { commonOptions, type Options } from './args.js';
import { gates as gateNames } from './commands/actions.js';
import type { CommandSpec } from './commands/context.js';

const gates = gateNames.join(' ');

export const shells = ['bash', 'zsh'] as const;
export type Shell = (typeof shells)[number];

const globalFlags = ['--help', '--version'];

function optionEntries(options: Options): [string, Options[string]][] {
  const all: Options = { ...options, ...commonOptions };
  return Object.entries(all);
}

/** `--name` and `-x` of each option, the common ones included. */
function flagsOf(options: Options): string[] {
  return optionEntries(options).flatMap(([name, o]) =>
    o.short ? [`--${name}`, `-${o.short}`] : [`--${name}`],
  );
}

/** Options that take a value (their flags), so the word after them is that value. */
function valueFlags(specs: readonly CommandSpec[]): string[] {
  const all = specs.flatMap((s) => optionEntries(s.options));
  const flags = all
    .filter(([, o]) => o.type === 'string')
    .flatMap(([n, o]) => [`--${n}`, ...(o.short ? [`-${o.short}`] : [])]);
  return [...new Set(flags)];
}

/** The words completing the operand of `spec` in shell syntax: a fixed list or an id lookup. */
function operandSource(spec: CommandSpec, fn: string): { words?: string; ids?: string } {
  const op = spec.operand;
  if (!op) return {};
  if (op.kind === 'canary') return { ids: `${fn}_call get -A -o name` };
  return { words: op.words.join(' '), ids: op.ids ? `${fn}_call ${spec.name} list -o name` : undefined };
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, specs: readonly CommandSpec[], program: string): string {
  return shell === 'bash' ? bashScript(specs, program) : zshScript(specs, program);
}

function functionName(program: string): string {
  return `_${program.replace(/[^a-zA-Z0-9]/g, '_')}`;
}

/** The API lookup, passing the --url/--token typed on the line on; bash's words are 0-based. */
function bashCall(fn: string): string {
  return `${fn}_call() {
  local -a conn
  local i
  for ((i = 1; i < \${#COMP_WORDS[@]}; i++)); do
    case \${COMP_WORDS[i]} in --url|--token) conn+=("\${COMP_WORDS[i]}" "\${COMP_WORDS[i+1]}") ;; esac
  done
  command "\${COMP_WORDS[0]}" "$@" "\${conn[@]}" --request-timeout 2s 2>/dev/null
}`;
}

/** The same for zsh, whose words are 1-based. */
function zshCall(fn: string): string {
  return `${fn}_call() {
  local -a conn
  local i
  for ((i = 2; i <= \${#words[@]}; i++)); do
    case \${words[i]} in --url|--token) conn+=("\${words[i]}" "\${words[i+1]}") ;; esac
  done
  command "\${words[1]}" "$@" "\${conn[@]}" --request-timeout 2s 2>/dev/null
}`;
}

function caseArms(specs: readonly CommandSpec[], arm: (s: CommandSpec) => string | undefined): string {
  return specs
    .map((s) => [s.name, arm(s)] as const)
    .filter((a): a is readonly [string, string] => a[1] !== undefined)
    .map(([name, body]) => `      ${name}) ${body} ;;`)
    .join('\n');
}

function bashScript(specs: readonly CommandSpec[], program: string): string {
  const fn = functionName(program);
  const reply = (words: string) => `COMPREPLY=($(compgen -W "${words}" -- "$cur"))`;
  const operands = caseArms(specs, (s) => {
    const { words, ids } = operandSource(s, fn);
    if (words && ids)
      return `if [[ -z $verb ]]; then ${reply(words)}; elif [[ $verb == get || $verb == delete ]] && [[ $nargs -eq 1 ]]; then ${reply(`$(${ids})`)}; fi`;
    if (words) return `[[ -z $verb ]] && ${reply(words)}`;
    return ids ? `[[ -z $verb ]] && ${reply(`$(${ids})`)}` : undefined;
  });
  return `# bash completion for ${program}; load with: source <(${program} completion bash)
${bashCall(fn)}

${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    ${reply([...specs.map((s) => s.name), ...globalFlags].join(' '))}
    return
  fi
  local cmd=\${COMP_WORDS[1]}
  case $prev in
    -f|--file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -o|--output)
      case $cmd in
${caseArms(specs, (s) => (s.formats ? reply(s.formats.join(' ')) : undefined))}
      esac
      return ;;
    --cluster) ${reply(`$(${fn}_call clusters -o name)`)}; return ;;
    --gate) ${reply(gates)}; return ;;
    ${valueFlags(specs).join('|')}) return ;;
  esac
  if [[ $cur == -* ]]; then
    case $cmd in
${caseArms(specs, (s) => reply(flagsOf(s.options).join(' ')))}
    esac
    return
  fi
  # Operands typed so far: the first is the verb of templates/alert-providers.
  local verb='' nargs=0 i w
  for ((i = 2; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    case $w in
      ${valueFlags(specs).join('|')}) ((i++)) ;;
      -*) ;;
      *) [[ -z $verb ]] && verb=$w || ((nargs++)) ;;
    esac
  done
  [[ -n $verb ]] && ((nargs++))
  case $cmd in
${operands}
  esac
}
complete -F ${fn} ${program}
`;
}

function zshScript(specs: readonly CommandSpec[], program: string): string {
  const fn = functionName(program);
  const add = (words: string) => `compadd -- ${words}`;
  const lines = (cmd: string) => `\${(f)"$(${cmd})"}`;
  const operands = caseArms(specs, (s) => {
    const { words, ids } = operandSource(s, fn);
    if (words && ids)
      return `if [[ -z $verb ]]; then ${add(words)}; elif [[ $verb == (get|delete) && $nargs -eq 1 ]]; then ${add(lines(ids))}; fi`;
    if (words) return `[[ -z $verb ]] && ${add(words)}`;
    return ids ? `[[ -z $verb ]] && ${add(lines(ids))}` : undefined;
  });
  return `#compdef ${program}
# zsh completion for ${program}; load with: source <(${program} completion zsh)
${zshCall(fn)}

${fn}() {
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  if (( CURRENT == 2 )); then
    ${add([...specs.map((s) => s.name), ...globalFlags].join(' '))}
    return
  fi
  local cmd=\${words[2]}
  case $prev in
    -f|--file) _files; return ;;
    -o|--output)
      case $cmd in
${caseArms(specs, (s) => (s.formats ? add(s.formats.join(' ')) : undefined))}
      esac
      return ;;
    --cluster) ${add(lines(`${fn}_call clusters -o name`))}; return ;;
    --gate) ${add(gates)}; return ;;
    ${valueFlags(specs).join('|')}) return ;;
  esac
  if [[ $cur == -* ]]; then
    case $cmd in
${caseArms(specs, (s) => add(flagsOf(s.options).join(' ')))}
    esac
    return
  fi
  local verb='' nargs=0 i w
  for ((i = 3; i < CURRENT; i++)); do
    w=\${words[i]}
    case $w in
      ${valueFlags(specs).join('|')}) ((i++)) ;;
      -*) ;;
      *) if [[ -z $verb ]]; then verb=$w; else ((nargs++)); fi ;;
    esac
  done
  [[ -n $verb ]] && ((nargs++))
  case $cmd in
${operands}
  esac
}
compdef ${fn} ${program}
`;
}
