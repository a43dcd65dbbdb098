/**
 * How `status --watch` shows the status block: a terminal redraws it in place (log-update, which
 * counts terminal rows, so a wrapped line leaves nothing behind); a pipe or file gets a block only
 * when it changes, with absolute times so that an unchanged canary prints nothing new.
 */
import type { Output } from './io.js';
import { statusBlock, type CanaryDetail } from './status-view.js';

export interface View {
  /** Shows the canary's current state. */
  show(d: CanaryDetail, now: number): void;
  /** Shows a passing problem (the API is failing; retrying) until the next show(). */
  problem(message: string): void;
  /** Leaves the last frame on screen. */
  done(): void;
}

type Render = ((text: string) => void) & { done(): void };

/** The in-place view for a terminal; `createRender` is log-update's createLogUpdate, loaded by the caller. */
export function terminalView(
  out: Output,
  wide: boolean,
  createRender: (stream: NodeJS.WritableStream, options: { showCursor: boolean }) => Render,
): View {
  // Keep the cursor visible: hiding it would need a process-wide exit hook to restore it.
  const render = createRender(out as unknown as NodeJS.WritableStream, { showCursor: true });
  let frame: string[] = [];
  return {
    show: (d, now) => {
      frame = statusBlock(d, now, 'relative', wide);
      render(frame.join('\n'));
    },
    problem: (message) => render([...frame, `warning: ${message}`].join('\n')),
    done: () => render.done(),
  };
}

/** The view for a pipe: each different block once, separated by a blank line; problems on stderr once each. */
export function pipeView(out: Output, err: Output, wide: boolean): View {
  let previous = '';
  let lastProblem = '';
  return {
    show: (d, now) => {
      lastProblem = '';
      const block = statusBlock(d, now, 'absolute', wide).join('\n') + '\n';
      if (block === previous) return;
      out.write((previous === '' ? '' : '\n') + block);
      previous = block;
    },
    problem: (message) => {
      if (message !== lastProblem) err.write(`warning: ${message}\n`);
      lastProblem = message;
    },
    done: () => undefined,
  };
}
