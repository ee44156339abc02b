/** Horizontal 0–100 % gridlines with labels, shared by the percent-axis charts. */
const PERCENT_TICKS = [0, 25, 50, 75, 100] as const;

export function PercentGridlines({ left, right, y }: { left: number; right: number; y: (percent: number) => number }) {
  return (
    <>
      {PERCENT_TICKS.map((tick) => (
        <g key={tick}>
          <line className="gridline" x1={left} x2={right} y1={y(tick)} y2={y(tick)} />
          <text x={left - 4} y={y(tick) + 4} textAnchor="end">
            {tick}
          </text>
        </g>
      ))}
    </>
  );
}
