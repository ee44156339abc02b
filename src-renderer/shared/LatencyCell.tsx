import type { LatencySpread } from './format.ts';
import { describeLatency, fmtLatency } from './format.ts';

/**
 * A table cell with the latency median and its spread; the full distribution in the tooltip. `best`
 * is the caller's call (Metrics marks it only when the fastest variant is clearly separated).
 */
export function LatencyCell({ latency, best = false }: { latency: LatencySpread | null; best?: boolean }) {
  const text = fmtLatency(latency);
  return (
    <td
      className={best ? 'latency best' : 'latency'}
      data-column="latency"
      title={describeLatency(latency)}
      aria-label={best ? `${text} (clearly fastest)` : undefined}
    >
      {text}
    </td>
  );
}
