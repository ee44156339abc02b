/**
 * Metrics on a COCO keypoint dataset (issue 18): pycocotools' ten numbers per variant, then per
 * keypoint — OKS accuracy, PCK of the box and the torso, mean error, the keypoint's own AP and why it
 * fails (coco-analyze's classes) — and the AP of the keypoint groups. The engine answers with the
 * numbers `posebench eval` prints (one function computes both).
 */
import { COCO_ERROR_CLASSES, COCO_STAT_NAMES, type CocoMetricsView as CocoMetrics, type CocoVariantMetrics } from '../../src-main/api/contract.ts';
import { useUi } from '../app/ui-store.ts';
import { useApi } from '../bridge/queries.ts';
import { variantColor } from '../shared/colors.ts';
import { useCocoUi } from './coco-store.ts';
import { COCO_CLASS_COLORS, COCO_CLASS_HELP, keypointLabel, pct } from './coco-format.ts';
import { CocoApByThreshold, CocoPrecisionRecall } from './CocoCurves.tsx';
import './coco.css';

const STAT_HELP: Readonly<Record<(typeof COCO_STAT_NAMES)[number], string>> = {
  AP: 'AP over OKS 0.50:0.95, all areas',
  AP50: 'AP at OKS 0.50',
  AP75: 'AP at OKS 0.75',
  APm: 'AP, medium persons (32² < area ≤ 96²)',
  APl: 'AP, large persons (area > 96²)',
  AR: 'AR over OKS 0.50:0.95 (at most 20 detections per image)',
  AR50: 'AR at OKS 0.50',
  AR75: 'AR at OKS 0.75',
  ARm: 'AR, medium persons',
  ARl: 'AR, large persons',
};

export function CocoMetricsView() {
  const setView = useUi((s) => s.setView);
  const metrics = useApi('coco:metrics', {}, { placeholderData: (previous) => previous });
  if (metrics.error)
    return (
      <div className="view">
        <div className="error-box">{metrics.error.message}</div>
      </div>
    );
  if (!metrics.data)
    return (
      <div className="view">
        <div className="empty">Evaluating…</div>
      </div>
    );
  const data = metrics.data;
  return (
    <div className="view coco-metrics" style={{ height: '100%' }}>
      <section className="panel" aria-labelledby="coco-ap-title">
        <h2 id="coco-ap-title">
          OKS AP / AR{' '}
          <span className="hint">
            pycocotools COCOeval (keypoints), bit for bit · {data.persons} persons count · percent · best per column marked ▲ · – where no GT falls in that area
            range
          </span>
        </h2>
        {data.variants.length === 0 ? (
          <div className="empty" data-testid="coco-metrics-empty">
            No results yet: import a COCO results file in{' '}
            <button type="button" className="link" onClick={() => setView('runs')}>
              Runs
            </button>{' '}
            (or run <code>posebench eval --dataset DIR --model M.onnx</code>).
          </div>
        ) : (
          <div className="table-scroll">
            <StatsTable data={data} />
          </div>
        )}
      </section>
      {data.variants.length > 0 ? <PerKeypointPanel data={data} /> : null}
    </div>
  );
}

function StatsTable({ data }: { data: CocoMetrics }) {
  const best = Object.fromEntries(COCO_STAT_NAMES.map((name) => [name, Math.max(...data.variants.map((v) => v.stats[name] ?? -Infinity))])) as Record<
    string,
    number
  >;
  return (
    <table className="data" aria-label="OKS AP and AR">
      <thead>
        <tr>
          <th scope="col" style={{ textAlign: 'left' }}>
            Variant
          </th>
          {COCO_STAT_NAMES.map((name) => (
            <th key={name} scope="col" title={STAT_HELP[name]}>
              {name}
            </th>
          ))}
          <th scope="col" title="GT persons matched at OKS 0.5 (area all) / detections in the file">
            matched / dets
          </th>
        </tr>
      </thead>
      <tbody>
        {data.variants.map((v, i) => (
          <tr key={v.variant.id}>
            <th scope="row" style={{ textAlign: 'left' }} title={v.variant.source}>
              <span className="swatch" style={{ background: variantColor(i) }} aria-hidden="true" />
              {v.variant.name}
            </th>
            {COCO_STAT_NAMES.map((name) => {
              const value = v.stats[name];
              const isBest = data.variants.length > 1 && value !== null && value === best[name];
              return (
                <td key={name} className={isBest ? 'best' : undefined}>
                  {pct(value)}
                </td>
              );
            })}
            <td className="muted">
              {v.matchedPersons} / {v.variant.detections}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PerKeypointPanel({ data }: { data: CocoMetrics }) {
  const selected = useCocoUi((s) => s.metricsVariantId);
  const setSelected = useCocoUi((s) => s.setMetricsVariant);
  const index = Math.max(
    0,
    data.variants.findIndex((v) => v.variant.id === selected),
  );
  const variant = data.variants[index]!;
  return (
    <>
      <section className="panel" aria-labelledby="coco-kp-title">
        <h2 id="coco-kp-title">
          Per keypoint{' '}
          <span className="hint">
            over GT persons matched at OKS 0.5 · OKS acc: share with keypoint similarity ≥ 0.5 / 0.75 · PCK: distance &lt; α × box side or torso · AP: COCOeval
            on that keypoint alone
          </span>
        </h2>
        <div className="toolbar">
          <label>
            variant
            <select aria-label="Variant of the per-keypoint table" value={variant.variant.id} onChange={(e) => setSelected(e.target.value)}>
              {data.variants.map((v) => (
                <option key={v.variant.id} value={v.variant.id}>
                  {v.variant.name}
                </option>
              ))}
            </select>
          </label>
          <ClassLegend />
        </div>
        <div className="table-scroll">
          <KeypointTable variant={variant} alphas={data.pckAlphas} />
        </div>
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="coco-ap-curve-title">
          <h2 id="coco-ap-curve-title">
            AP by OKS threshold <span className="hint">area all · the mean over the ten thresholds is AP; AP50 and AP75 are two of the points</span>
          </h2>
          <CocoApByThreshold data={data} />
        </section>
        <section className="panel" aria-labelledby="coco-pr-title">
          <h2 id="coco-pr-title">
            Precision–recall <span className="hint">pycocotools' interpolated precision, area all · OKS 0.5 solid, 0.75 dashed</span>
          </h2>
          <CocoPrecisionRecall data={data} />
        </section>
      </div>
      <div className="grid-2">
        <section className="panel" aria-labelledby="coco-kp-chart-title">
          <h2 id="coco-kp-chart-title">
            OKS accuracy by keypoint <span className="hint">share with KS ≥ 0.5, every variant</span>
          </h2>
          <KeypointBars data={data} />
        </section>
        <section className="panel" aria-labelledby="coco-groups-title">
          <h2 id="coco-groups-title">
            AP by keypoint group <span className="hint">mmpose's KeypointPartitionMetric: COCOeval restricted to the group's keypoints</span>
          </h2>
          <GroupsTable data={data} />
        </section>
      </div>
    </>
  );
}

function ClassLegend() {
  return (
    <span className="class-legend" aria-label="Error classes">
      {COCO_ERROR_CLASSES.map((c) => (
        <span key={c} title={COCO_CLASS_HELP[c]}>
          <span className="class-swatch" style={{ background: COCO_CLASS_COLORS[c] }} aria-hidden="true" />
          {c}
        </span>
      ))}
    </span>
  );
}

function KeypointTable({ variant, alphas }: { variant: CocoVariantMetrics; alphas: readonly number[] }) {
  return (
    <table className="data coco-kp-table" aria-label={`Per keypoint, ${variant.variant.name}`}>
      <thead>
        <tr>
          <th scope="col" style={{ textAlign: 'left' }}>
            Keypoint
          </th>
          <th scope="col" title="labelled keypoints of matched persons">
            n
          </th>
          <th scope="col">OKS acc .5</th>
          <th scope="col">OKS acc .75</th>
          {alphas.map((a) => (
            <th key={`b${a}`} scope="col" title={`distance < ${a} × the GT box's longer side`}>
              PCK box {a}
            </th>
          ))}
          <th scope="col" title={`distance < ${alphas[alphas.length - 1]} × |left shoulder − right hip|`}>
            PCK torso {alphas[alphas.length - 1]}
          </th>
          <th scope="col" title="mean distance / the GT box's longer side, percent">
            err % box
          </th>
          <th scope="col" title="AP of COCOeval on this keypoint alone">
            AP
          </th>
          <th scope="col" style={{ minWidth: 160 }}>
            why (classes)
          </th>
        </tr>
      </thead>
      <tbody>
        {variant.keypoints.map((row) => (
          <tr key={row.name}>
            <th scope="row" style={{ textAlign: 'left' }}>
              {keypointLabel(row.name)}
            </th>
            <td className="muted">{row.count}</td>
            <td>{pct(row.oksAcc50)}</td>
            <td>{pct(row.oksAcc75)}</td>
            {row.pckBbox.map((v, a) => (
              <td key={a}>{pct(v)}</td>
            ))}
            <td>{pct(row.pckTorso[row.pckTorso.length - 1])}</td>
            <td>{pct(row.meanErrorBbox)}</td>
            <td>{pct(row.ap)}</td>
            <td>
              <ClassBar classes={row.classes} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One horizontal stacked bar of class shares (sum 1 over counted keypoints). */
function ClassBar({ classes }: { classes: CocoVariantMetrics['keypoints'][number]['classes'] }) {
  const title = COCO_ERROR_CLASSES.map((c) => `${c} ${pct(classes[c])}%`).join(' · ');
  return (
    <div className="class-bar" title={title} aria-label={title} role="img">
      {COCO_ERROR_CLASSES.map((c) => {
        const share = classes[c] ?? 0;
        return share > 0 ? <span key={c} style={{ width: `${100 * share}%`, background: COCO_CLASS_COLORS[c] }} /> : null;
      })}
    </div>
  );
}

function KeypointBars({ data }: { data: CocoMetrics }) {
  const K = data.keypoints.length;
  const V = data.variants.length;
  const rowH = Math.max(10, 6 * V + 6);
  const labelW = 110;
  const width = 460;
  const barW = width - labelW - 40;
  const height = K * rowH + 24;
  return (
    <svg className="coco-kp-bars" viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="OKS accuracy at 0.5 by keypoint">
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <g key={t}>
          <line x1={labelW + t * barW} x2={labelW + t * barW} y1={0} y2={K * rowH} stroke="var(--border)" strokeDasharray="2 3" />
          <text x={labelW + t * barW} y={K * rowH + 14} textAnchor="middle" className="axis">
            {100 * t}
          </text>
        </g>
      ))}
      {data.keypoints.map((name, k) => (
        <g key={name} transform={`translate(0, ${k * rowH})`}>
          <text x={labelW - 6} y={rowH / 2 + 4} textAnchor="end" className="axis">
            {keypointLabel(name)}
          </text>
          {data.variants.map((v, i) => {
            const value = v.keypoints[k]?.oksAcc50 ?? null;
            return value === null ? null : (
              <rect key={v.variant.id} x={labelW} y={3 + i * 6} width={value * barW} height={5} fill={variantColor(i)}>
                <title>{`${v.variant.name} · ${keypointLabel(name)}: ${pct(value)}%`}</title>
              </rect>
            );
          })}
        </g>
      ))}
    </svg>
  );
}

function GroupsTable({ data }: { data: CocoMetrics }) {
  const groups = data.variants[0]?.groups ?? [];
  if (groups.length === 0) return <div className="empty">Groups are defined for COCO-17 keypoint names (face, arms, legs); this set has none.</div>;
  return (
    <table className="data" aria-label="AP by keypoint group">
      <thead>
        <tr>
          <th scope="col" style={{ textAlign: 'left' }}>
            Variant
          </th>
          {groups.map((g) => (
            <th key={g.name} scope="col" title={g.keypoints.map(keypointLabel).join(', ')}>
              {g.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.variants.map((v, i) => (
          <tr key={v.variant.id}>
            <th scope="row" style={{ textAlign: 'left' }}>
              <span className="swatch" style={{ background: variantColor(i) }} aria-hidden="true" />
              {v.variant.name}
            </th>
            {v.groups.map((g) => (
              <td key={g.name}>{pct(g.ap)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
