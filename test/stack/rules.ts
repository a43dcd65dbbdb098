/**
 * EventBridge event patterns, as far as templates use them: each key of the pattern is an array of
 * accepted values (or a nested pattern for `detail`); an event matches when every key matches.
 */
export function eventMatches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, want]) => {
    const got = event[key];
    if (Array.isArray(want)) return want.some((w) => (Array.isArray(got) ? got.includes(w) : got === w));
    if (want && typeof want === 'object')
      return (
        got !== null &&
        typeof got === 'object' &&
        eventMatches(want as Record<string, unknown>, got as Record<string, unknown>)
      );
    return got === want;
  });
}
