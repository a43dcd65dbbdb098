/** Builds the status page into `outdir` (default ui/dist); resolves to the directory. */
export function buildUi(outdir?: string): Promise<string>;
export const uiDist: string;
