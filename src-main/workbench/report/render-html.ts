/**
 * The report as ONE self-contained HTML file (inline CSS and SVG; no script, no font, no image, no
 * link to fetch), something a user can attach to a pull request: both tables, the per-joint table, a
 * bar chart, PCKh-vs-threshold curves, the Pareto scatter (PCKh vs latency), error classes, score
 * calibration where scores exist, and each run's manifest.
 */
import type { RunManifest } from '../run-manifest.ts';
import type { ReportModel, ReportVariant } from './report-model.ts';
import { jointTable, variantTable, type ReportTable } from './report-table.ts';
import { escapeXml, groupedBarChart, lineChart, paretoScatter, seriesColor, stackedShareChart, type Series } from './svg-charts.ts';
import { COVERAGE_DROPS } from '../../evaluation/calibration.ts';
import { PCKH_METRIC_KEYS } from '../../evaluation/pckh.ts';

const CSS = `
:root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--head:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
main{max-width:1360px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
p.meta{color:var(--muted);margin:0 0 8px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:6px 0;font-size:13px}
thead th{vertical-align:bottom}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
th{background:var(--head);font-weight:600;text-align:left}
td.num,th.num{text-align:right}
td.best{font-weight:700}
.ci{display:block;color:var(--muted);font-size:11px;font-weight:400;line-height:1.2;white-space:normal}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,430px),1fr));gap:18px 28px}
figure{margin:0}
figcaption{font-weight:600;margin-bottom:4px}
svg.chart{width:100%;height:auto;display:block;font-size:12px}
svg .grid{stroke:#eaeef2}
svg .axis{stroke:#8c959f}
svg .tick{fill:var(--muted);font-size:11px}
svg .label{fill:var(--fg);font-size:12px}
svg .line{fill:none;stroke-width:2}
svg .errbar{stroke:#24292f;stroke-width:1.2;fill:none}
svg .front{fill:none;stroke:#8c959f;stroke-dasharray:4 3;stroke-width:1.5}
svg .diagonal{stroke:#8c959f;stroke-dasharray:4 3}
svg .point-label{fill:var(--fg);font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:4px 0 10px;padding:0;list-style:none}
.legend li{display:flex;align-items:center;gap:6px}
.swatch{width:12px;height:12px;border-radius:2px;display:inline-block}
details{margin:6px 0;border:1px solid var(--line);border-radius:6px;padding:6px 10px}
summary{cursor:pointer;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0 2px}
dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
ul.notes{color:var(--muted);padding-left:18px}
`;

function htmlTable(table: ReportTable): string {
  // "Latency ms (p5–p95)" breaks before its parenthesis, not inside it.
  const head = table.header.map((h, i) => `<th${table.numeric[i] ? ' class="num"' : ''} scope="col">${escapeXml(h).replace(' (', '<br>(')}</th>`).join('');
  const body = table.rows
    .map((row) => {
      const cells = row.cells
        .map(
          (c) =>
            `<td class="num${c.best ? ' best' : ''}">${escapeXml(c.text)}${c.interval === null ? '' : `<span class="ci">${escapeXml(c.interval)}</span>`}</td>`,
        )
        .join('');
      return `<tr><th scope="row">${escapeXml(row.label)}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

function legend(model: ReportModel, only?: (v: ReportVariant) => boolean): string {
  const items = model.variants
    .map((v, i) => ({ v, i }))
    .filter(({ v }) => only === undefined || only(v))
    .map(({ v, i }) => `<li><span class="swatch" style="background:${seriesColor(i)}"></span>${escapeXml(v.name)}</li>`);
  return `<ul class="legend">${items.join('')}</ul>`;
}

function figure(caption: string, body: string): string {
  return `<figure>\n<figcaption>${escapeXml(caption)}</figcaption>\n${body}\n</figure>`;
}

function barFigure(model: ReportModel): string {
  const labels = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Mean', 'Mean@0.1'];
  const series: Series[] = model.variants.map((v, i) => ({
    name: v.name,
    color: seriesColor(i),
    values: PCKH_METRIC_KEYS.map((k) => v.metrics[k]),
    ...(v.ci !== null ? { intervals: PCKH_METRIC_KEYS.map((k) => v.ci?.[k] ?? null) } : {}),
  }));
  return figure(
    `PCKh per joint group${model.ci !== null ? ' (bars: 95 % intervals)' : ''}`,
    `${legend(model)}${groupedBarChart('PCKh per joint group', labels, series, 'PCKh (%)')}`,
  );
}

function curveFigure(model: ReportModel): string {
  const series: Series[] = model.variants.map((v, i) => ({ name: v.name, color: seriesColor(i), values: v.meanCurve }));
  const chart = lineChart(
    'Mean PCKh vs threshold',
    model.thresholds,
    series,
    { x: 'threshold (fraction of head size)', y: 'Mean PCKh (%)' },
    { xDomain: [0, 0.5], yDomain: [0, 100] },
  );
  return figure('Mean PCKh vs threshold (AUC in the toolkit table)', `${legend(model)}${chart}`);
}

function paretoFigure(model: ReportModel): string {
  const points = model.variants.flatMap((v, i) => {
    const pckh = v.metrics.PCKh;
    if (v.latency === null || pckh === null) return [];
    return [
      {
        name: v.name,
        color: seriesColor(i),
        x: v.latency.medianMs,
        y: pckh,
        xInterval: [v.latency.p5Ms, v.latency.p95Ms] as const,
        yInterval: v.ci?.['PCKh'] ?? null,
      },
    ];
  });
  if (points.length === 0) return figure('PCKh vs latency', '<p class="meta">No variant has a stored latency (imported predictions are not timed).</p>');
  const chart = paretoScatter('PCKh vs latency', points, { x: 'single-thread latency, median ms (bars: p5–p95)', y: 'PCKh (%)' });
  return figure('PCKh vs latency (dashed: Pareto front)', `${legend(model, (v) => v.latency !== null)}${chart}`);
}

const ERROR_CLASSES = [
  { key: 'hit', label: 'hit', color: '#009E73' },
  { key: 'jitter', label: 'jitter', color: '#56B4E9' },
  { key: 'inversion', label: 'inversion', color: '#E69F00' },
  { key: 'swap', label: 'swap', color: '#CC79A7' },
  { key: 'miss', label: 'miss', color: '#D55E00' },
] as const;

function errorFigure(model: ReportModel): string {
  const rows = model.variants.map((v) => ({ name: v.name, parts: ERROR_CLASSES.map((c) => ({ label: c.label, value: v.errors[c.key], color: c.color })) }));
  const key = `<ul class="legend">${ERROR_CLASSES.map((c) => `<li><span class="swatch" style="background:${c.color}"></span>${c.label}</li>`).join('')}</ul>`;
  return figure('Error classes over the 14 Mean joints (posebench analyze)', `${key}${stackedShareChart('Error classes', rows)}`);
}

function calibrationFigures(model: ReportModel): string {
  // A constant score (e.g. a regression head without one) carries no information: listed, not drawn.
  const constant = model.variants.filter((v) => v.calibration?.constantScore === true).map((v) => v.name);
  const scored = model.variants.map((v, i) => ({ v, i })).filter(({ v }) => v.calibration !== null && !v.calibration.constantScore);
  const constantNote = constant.length > 0 ? ` Constant score (no information, not drawn): ${constant.join(', ')}.` : '';
  if (scored.length === 0)
    return figure(
      'Score calibration',
      `<p class="meta">No variant stored informative per-joint scores (imported predictions without a score).${escapeXml(constantNote)}</p>`,
    );
  const probabilities = scored.every(({ v }) => (v.calibration!.scoreMin ?? 0) >= 0 && (v.calibration!.scoreMax ?? 1) <= 1);
  const only = (v: ReportVariant): boolean => v.calibration !== null && !v.calibration.constantScore;
  // Reliability: each variant's 10 equal-count bins, mean score (x) vs hit rate (y), one line per variant.
  const xs = scored.flatMap(({ v }) => v.calibration!.bins.map((b) => b.meanScore));
  const reliabilityChart = reliabilityOverlay(scored, probabilities, xs);
  const coverage = lineChart(
    'PCKh at coverage',
    COVERAGE_DROPS,
    scored.map(({ v, i }) => ({ name: v.name, color: seriesColor(i), values: v.calibration!.pckhAtCoverage })),
    { x: 'lowest-scored joints dropped (%)', y: 'PCKh of the rest (%)' },
    { xDomain: [0, 90], markers: true },
  );
  const stats = scored
    .map(
      ({ v }) =>
        `${escapeXml(v.name)}: ECE ${v.calibration!.ece === null ? 'n/a' : v.calibration!.ece.toFixed(3)}, AUROC ${v.calibration!.auroc === null ? 'n/a' : v.calibration!.auroc.toFixed(3)}`,
    )
    .join('; ');
  return [
    figure(
      `Reliability (10 equal-count bins${probabilities ? ', dashed: perfect calibration' : ''})`,
      `${legend(model, only)}${reliabilityChart}<p class="meta">${stats}.${escapeXml(constantNote)}</p>`,
    ),
    figure('PCKh after dropping the lowest-scored joints', `${legend(model, only)}${coverage}`),
  ].join('\n');
}

/** Every variant's reliability curve on one chart: each has its own bin x values, so each is a series over the merged x. */
function reliabilityOverlay(scored: readonly { v: ReportVariant; i: number }[], probabilities: boolean, xs: readonly number[]): string {
  const x = [...new Set(xs)].sort((a, b) => a - b);
  const series: Series[] = scored.map(({ v, i }) => {
    const byScore = new Map(v.calibration!.bins.map((b) => [b.meanScore, 100 * b.hitRate] as const));
    return { name: v.name, color: seriesColor(i), values: x.map((s) => byScore.get(s) ?? null) };
  });
  // Values at other variants' x are null: each line joins its own points (connectGaps).
  return lineChart(
    'Reliability',
    x,
    series,
    { x: 'mean score in bin', y: 'hit rate (%)' },
    {
      xDomain: probabilities ? [0, 1] : [Math.min(...xs), Math.max(...xs)],
      yDomain: [0, 100],
      ...(probabilities ? { diagonal: 100 } : {}),
      markers: true,
      connectGaps: true,
    },
  );
}

function manifestList(m: RunManifest): string {
  const rows: [string, string][] = [
    ['source', `${m.source.kind} ${m.source.file} (${m.source.bytes} bytes)`],
    ['sha256', m.source.sha256],
    ['head', m.head ?? '—'],
    ['decoder', m.decoder === null ? '—' : JSON.stringify(m.decoder)],
    [
      'input',
      m.input === null ? '—' : `${m.input.width}×${m.input.height} ${m.input.color}, mean ${JSON.stringify(m.input.mean)}, std ${JSON.stringify(m.input.std)}`,
    ],
    ['protocol (first scored)', m.protocol],
    ['dataset', `fingerprint ${m.dataset.fingerprint}, GT revision ${m.dataset.gtRevision}, ${m.dataset.persons} persons`],
    ['posebench', `${m.posebench.version}${m.posebench.commit ? ` ${m.posebench.commit}` : ''}${m.posebench.dirty ? ' (uncommitted changes)' : ''}`],
    ['code version', m.codeVersion === null ? '—' : String(m.codeVersion)],
    [
      'runtime',
      `onnxruntime-node ${m.runtime.onnxruntimeNode ?? '—'}, node ${m.runtime.node}, threads ${m.runtime.intraOpNumThreads}/${m.runtime.interOpNumThreads}`,
    ],
    ['machine', `${m.machine.cpuModel}, ${m.machine.cores} cores, ${m.machine.os}`],
    ['run', `${m.startedAt} → ${m.finishedAt ?? 'not finished'}; ${m.personsDone} persons done, ${m.personsFailed} failed`],
    [
      'latency',
      m.latency === null
        ? (m.latencyError ?? '—')
        : `median ${m.latency.medianMs.toFixed(3)} ms, p5–p95 ${m.latency.p5Ms.toFixed(3)}–${m.latency.p95Ms.toFixed(3)}, n ${m.latency.n} after ${m.latency.warmup} warm-ups`,
    ],
  ];
  return `<dl>${rows.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`).join('')}</dl>`;
}

function manifests(model: ReportModel): string {
  return model.variants
    .map((v) => {
      const params = v.parameters.count !== null ? `${v.parameters.count} parameters` : `parameters n/a: ${v.parameters.reason ?? 'unknown'}`;
      const body = v.manifest === null ? '<p class="meta">No manifest stored for this run.</p>' : manifestList(v.manifest);
      return `<details><summary>${escapeXml(v.name)}</summary>${body}<p class="meta">${escapeXml(params)}</p></details>`;
    })
    .join('\n');
}

export function renderHtml(model: ReportModel): string {
  const ci =
    model.ci === null
      ? 'no intervals'
      : `${Math.round(model.ci.confidence * 100)} % paired bootstrap intervals over persons (B = ${model.ci.bootstrap}, seed ${model.ci.seed})`;
  const title = `PCKh report: ${model.dataset}`;
  const sections = [
    `<h1>${escapeXml(title)}</h1>`,
    `<p class="meta">${model.persons} persons, protocol ${model.protocol}, ${model.variants.length} variant${model.variants.length === 1 ? '' : 's'}, ${escapeXml(ci)}. Best per column in bold.</p>`,
    ...[variantTable(model, 'mpii'), variantTable(model, 'mmpose')].map((t) => `<h2>${escapeXml(t.title)}</h2>\n${htmlTable(t)}`),
    '<h2>Charts</h2>',
    `<div class="charts">\n${[barFigure(model), curveFigure(model), paretoFigure(model), errorFigure(model), calibrationFigures(model)].join('\n')}\n</div>`,
    `<h2>${escapeXml(jointTable(model).title)}</h2>\n${htmlTable(jointTable(model))}`,
    '<h2>Run manifests</h2>',
    manifests(model),
    '<h2>Notes</h2>',
    `<ul class="notes">${model.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>`,
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
