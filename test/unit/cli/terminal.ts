/**
 * A tiny terminal emulator for tests: enough of VT100 to replay what log-update writes (auto-wrap
 * with a pending wrap at the last column, CR/LF as a tty with onlcr, cursor up/down/left, erase
 * line and erase to end of line), so a test can look at the screen a user would see.
 */
export class Terminal {
  readonly isTTY = true;
  private screen: string[][] = [];
  private row = 0;
  private col = 0;

  constructor(
    readonly columns: number,
    readonly rows = 100,
  ) {}

  write(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\x1b') {
        const m = /^.\[(\d*)([A-Za-z])/.exec(text.slice(i)); // ESC [ n X
        if (!m) throw new Error(`unsupported escape at ${JSON.stringify(text.slice(i, i + 8))}`);
        this.escape(m[2], m[1] === '' ? undefined : Number(m[1]));
        i += m[0].length - 1;
      } else if (ch === '\n') {
        this.row++;
        this.col = 0;
      } else if (ch === '\r') {
        this.col = 0;
      } else {
        if (this.col >= this.columns) {
          this.row++;
          this.col = 0;
        }
        this.line(this.row)[this.col++] = ch;
      }
    }
    return true;
  }

  /** The visible text: rows without trailing blanks, trailing empty rows dropped. */
  text(): string[] {
    const rows = this.screen.map((r) =>
      Array.from(r, (c) => c ?? ' ')
        .join('')
        .trimEnd(),
    );
    while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
    return rows;
  }

  private line(row: number): string[] {
    while (this.screen.length <= row) this.screen.push([]);
    return this.screen[row];
  }

  private escape(command: string, n: number | undefined): void {
    const count = n ?? 1;
    if (command === 'A') this.row = Math.max(0, this.row - count);
    else if (command === 'B') this.row += count;
    else if (command === 'G') this.col = (n ?? 1) - 1;
    else if (command === 'K' && (n ?? 0) === 2) this.screen[this.row] = [];
    else if (command === 'K') this.line(this.row).length = Math.min(this.line(this.row).length, this.col);
    else if (command === 'J') {
      this.line(this.row).length = Math.min(this.line(this.row).length, this.col);
      this.screen.length = this.row + 1;
    } else throw new Error(`unsupported escape ESC[${n ?? ''}${command}`);
  }
}
