import { CommandError } from './errors.js';

/**
 * Splits a command line into words with POSIX-shell quoting, without ever running a shell:
 * whitespace separates words; `'…'` is literal; `"…"` allows `\"`, `\\`, `\$` and `` \` `` escapes;
 * an unquoted `\` escapes the next character. Shell operators (`; | & < > ( )`), expansions
 * (`$`, backticks) and unterminated quotes are rejected with a {@link CommandError}, because a
 * shell would give them a meaning we do not reproduce.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const append = (s: string): void => {
    word = (word ?? '') + s;
  };
  while (i < line.length) {
    const ch = line[i];
    if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i += 1;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new CommandError('unterminated single quote in command');
      append(line.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '"') {
      const [text, next] = readDoubleQuoted(line, i + 1);
      append(text);
      i = next;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new CommandError('command ends with a lone backslash');
      if (line[i + 1] !== '\n') append(line[i + 1]);
      i += 2;
    } else {
      rejectOperator(ch);
      append(ch);
      i += 1;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Reads a double-quoted string starting after the opening quote; returns the text and the index after the closing quote. */
function readDoubleQuoted(line: string, start: number): [string, number] {
  let text = '';
  for (let i = start; i < line.length; i += 1) {
    const ch = line[i];
    if (ch === '"') return [text, i + 1];
    if (ch === '$' || ch === '`') throw expansionError(ch);
    if (ch === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) {
      if (line[i + 1] !== '\n') text += line[i + 1];
      i += 1;
    } else {
      text += ch;
    }
  }
  throw new CommandError('unterminated double quote in command');
}

function rejectOperator(ch: string): void {
  if (ch === '$' || ch === '`') throw expansionError(ch);
  if (';|&<>()'.includes(ch)) {
    throw new CommandError(
      `shell operator "${ch}" is not supported: commands are parsed, never run in a shell (quote the argument if it is literal)`,
    );
  }
}

function expansionError(ch: string): CommandError {
  return new CommandError(
    `shell expansion "${ch}" is not supported: commands are parsed, never run in a shell (use single quotes for a literal)`,
  );
}
