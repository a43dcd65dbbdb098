/**
 * The CLI's exit codes: a contract for scripts and CI, documented in docs/cli.md ("Exit codes")
 * and checked against that table by test/unit/cli/exit-codes.test.ts. Change both together.
 */
export const exitCodes = {
  /** The command did what was asked; `status --wait`: the release Succeeded; `diff`: no changes; `replay`: would have promoted. */
  ok: 0,
  /** `status --wait`: the release Failed (or the canary was Terminated); `replay`: would have rolled back. */
  releaseFailed: 1,
  /** `diff`: the manifests differ from what is stored (as `kubectl diff`). */
  differences: 1,
  /** `status --wait`: `--timeout` passed before the release ended; `replay`: still analysing at `--to`. */
  timeout: 2,
  /** The API refused the action (HTTP 409), e.g. "no pending gate". */
  refused: 3,
  /** Any other API error, after retries for 429/5xx; or the API (replay: Prometheus) could not be reached or signed for. */
  apiError: 4,
  /** Bad invocation or unusable input: unknown command/option, bad id, unreadable or invalid -f. */
  usage: 64,
  /** Ctrl-C during `--watch` / `--wait` (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
