/**
 * YAML or JSON text → documents, with bounds: nesting is counted while the text is read and the
 * reading stops at MAX_TEXT_DEPTH, before the recursive parts of the YAML library (composing,
 * toJS) run; aliases are limited to MAX_ALIASES, and an unresolved or excessive alias is an error
 * at its field path instead of an exception. Never throws for bad input.
 */
import {
  Composer,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  visit,
  type Document,
} from 'yaml';
import type { CST } from 'yaml';
import { formatPath, type FieldError, type PathSegment } from './errors.js';
import { MAX_ALIAS_EXPANSION, MAX_ALIASES, MAX_TEXT_DEPTH, MAX_YAML_TOKENS } from './limits.js';

export type Loaded =
  { ok: true; values: unknown[]; warnings: string[] } | { ok: false; errors: FieldError[] };

/** The text passed a bound while being read; `message` says which. */
class TooMuch extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Every document of `text` (empty documents dropped), or the errors with line and column. */
export function loadDocuments(text: string): Loaded {
  if (/^\s*[{[]/.test(text) && jsonDepthWithin(text, MAX_TEXT_DEPTH)) {
    try {
      return { ok: true, values: [JSON.parse(text) as unknown], warnings: [] };
    } catch {
      // Not strict JSON: YAML (a superset) parses it and reports errors with line and column.
    }
  }
  const lines = new LineCounter();
  let docs: Document.Parsed[];
  try {
    // Duplicate keys are found by checkNodes in linear time (the library's check is quadratic);
    // logLevel 'error': no process warnings a client could make us print.
    docs = Array.from(
      new Composer({ uniqueKeys: false, logLevel: 'error' }).compose(boundedTokens(text, lines)),
    );
  } catch (e) {
    if (!(e instanceof TooMuch)) throw e;
    const at = lines.linePos(e.offset);
    return fail('', e.message.replace('{at}', `at line ${at.line}, column ${at.col}`));
  }
  const errors = docs.flatMap((d) =>
    d.errors.map((e) => ({
      path: '',
      message: yamlMessage('YAML syntax error', e.message, e.pos[0], lines),
    })),
  );
  if (errors.length > 0) return { ok: false, errors };
  const warnings = docs.flatMap((d) =>
    d.warnings.map((w) => `(document): ${yamlMessage('YAML warning', w.message, w.pos[0], lines)}`),
  );
  const values: unknown[] = [];
  for (const d of docs.filter((doc) => doc.contents !== null)) {
    const aliasError = checkNodes(d, lines);
    if (aliasError) return { ok: false, errors: [aliasError] };
    try {
      values.push(d.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION }) as unknown);
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      return fail('', `YAML aliases expand too much (${e.message}); write the values out`);
    }
  }
  return { ok: true, values, warnings };
}

/** Exactly one document (the API's bodies other than manifests). */
export function loadOne(text: string): { ok: true; value: unknown } | { ok: false; errors: FieldError[] } {
  if (text.trim() === '') return fail('', 'request body is empty; expected JSON or YAML');
  const loaded = loadDocuments(text);
  if (!loaded.ok) return loaded;
  if (loaded.values.length !== 1)
    return fail('', `expected one YAML or JSON document, got ${loaded.values.length}`);
  return { ok: true, value: loaded.values[0] };
}

function fail(path: string, message: string): { ok: false; errors: FieldError[] } {
  return { ok: false, errors: [{ path, message }] };
}

/** True when the JSON-looking `text` nests at most `max` brackets (outside strings). */
function jsonDepthWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

/**
 * The parser's tokens, stopping (TooMuch) as soon as its stack of open nodes passes the depth bound
 * or the lexer has produced MAX_YAML_TOKENS tokens.
 */
function* boundedTokens(text: string, lines: LineCounter): Generator<CST.Token> {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  // A few stack entries are not nesting (the document, a scalar being read): allow for them.
  const bound = MAX_TEXT_DEPTH + 3;
  let count = 0;
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > bound)
      throw new TooMuch(
        `nested deeper than ${MAX_TEXT_DEPTH} levels {at}; expected a flatter document`,
        parser.offset,
      );
    if (++count > MAX_YAML_TOKENS)
      throw new TooMuch(
        `YAML longer than ${MAX_YAML_TOKENS} tokens {at}; expected a smaller document, or JSON`,
        parser.offset,
      );
  }
  yield* parser.end();
}

/**
 * The first of: a key used twice in one mapping, more than MAX_ALIASES aliases, or an alias
 * without its anchor before it — as an error at its place.
 */
function checkNodes(doc: Document.Parsed, lines: LineCounter): FieldError | undefined {
  let count = 0;
  let error: FieldError | undefined;
  const anchors = new Set<string>();
  visit(doc, {
    Node(_key, node) {
      if (node.anchor) anchors.add(node.anchor);
      if (!isMap(node)) return undefined;
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!seen.has(key)) seen.add(key);
        else {
          const at = lines.linePos(isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0);
          // Path '' with line and column, as the library's own syntax errors.
          error = {
            path: '',
            message: `YAML syntax error at line ${at.line}, column ${at.col}: Map keys must be unique`,
          };
          return visit.BREAK;
        }
      }
      return undefined;
    },
    Alias(_key, node, ancestors) {
      count++;
      const path = formatPath(pathOf([...ancestors, node]));
      if (!anchors.has(node.source)) {
        error = { path, message: `YAML alias *${node.source} has no anchor &${node.source} before it` };
      } else if (count > MAX_ALIASES) {
        error = { path, message: `more than ${MAX_ALIASES} YAML aliases; write the values out` };
      }
      return error ? visit.BREAK : undefined;
    },
  });
  return error;
}

/** The field path of the last node of `chain` (visit's ancestors, then the node). */
function pathOf(chain: readonly unknown[]): PathSegment[] {
  const path: PathSegment[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const node = chain[i];
    const next = chain[i + 1];
    if (isPair(node) && next === node.value) {
      path.push(isScalar(node.key) ? String(node.key.value) : String(node.key));
    } else if (isSeq(node)) path.push(node.items.indexOf(next));
  }
  return path;
}

function yamlMessage(prefix: string, message: string, offset: number, lines: LineCounter): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  const at = lines.linePos(offset);
  return `${prefix} at line ${at.line}, column ${at.col}: ${first}`;
}
