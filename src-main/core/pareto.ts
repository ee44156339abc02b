/**
 * The Pareto front of latency against accuracy, one rule for the app's scatter and the report's: a
 * point is on the front when no other point is at least as fast and at least as accurate, and
 * strictly better in one of the two.
 */
export function paretoFront<T>(points: readonly T[], cost: (point: T) => number, value: (point: T) => number): boolean[] {
  return points.map((p) => !points.some((q) => q !== p && cost(q) <= cost(p) && value(q) >= value(p) && (cost(q) < cost(p) || value(q) > value(p))));
}
