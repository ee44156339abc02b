/**
 * The report renderers on a hand-made model with awkward variant names (LaTeX and markdown specials,
 * quotes, markup), missing values and ties: every format stays well-formed and marks the same best cells.
 */
import { describe, expect, it } from 'vitest';
import { MPII_JOINT_NAMES } from '../../../../src-main/core/joints.ts';
import { COVERAGE_DROPS } from '../../../../src-main/evaluation/calibration.ts';
import { PCKH_SWEEP_THRESHOLDS } from '../../../../src-main/evaluation/threshold-sweep.ts';
import { renderReport } from '../../../../src-main/workbench/report/build-report.ts';
import type { ReportModel, ReportVariant } from '../../../../src-main/workbench/report/report-model.ts';
import { variantTable } from '../../../../src-main/workbench/report/report-table.ts';

function variant(name: string, base: number, options: { latency?: number | null; params?: number | null; scores?: boolean } = {}): ReportVariant {
  const metrics = {
    Head: base,
    Shoulder: base - 1,
    Elbow: base - 2,
    Wrist: null,
    Hip: base - 4,
    Knee: base - 5,
    Ankle: base - 6,
    PCKh: base - 3,
    'PCKh@0.1': base / 3,
  };
  return {
    name,
    kind: options.params === undefined ? 'imported' : 'model',
    instances: 10,
    metrics,
    toolkit: {
      Head: base,
      Shoulder: base - 1,
      Elbow: base - 2,
      Wrist: null,
      Hip: base - 4,
      Knee: base - 5,
      Ankle: base - 6,
      UBody: base - 2.5,
      Total: base - 3,
      AUC: base - 20,
    },
    perJoint: MPII_JOINT_NAMES.map((n, j) => ({ name: n, count: 10, pckh: j === 15 ? null : base - j / 10, pckhAt01: base / 3 })),
    ci: { PCKh: [base - 4, base - 2] },
    toolkitCi: { Head: [base - 1, base + 0.5], UBody: [null, null] },
    meanCurve: Array.from(PCKH_SWEEP_THRESHOLDS, (t) => Math.min(base, 400 * t)),
    latency:
      options.latency === undefined || options.latency === null
        ? null
        : { n: 50, medianMs: options.latency, p5Ms: options.latency * 0.9, p95Ms: options.latency * 1.3 },
    parameters: { count: options.params ?? null, reason: options.params === undefined ? 'imported predictions (no model file)' : null },
    errors: { hit: 100, jitter: 5, inversion: 3, swap: 1, miss: 11 },
    calibration: options.scores
      ? {
          n: 140,
          hits: 120,
          bins: Array.from({ length: 10 }, (_, k) => ({ count: 14, meanScore: 0.05 + k / 10, hitRate: Math.min(1, 0.5 + k / 20) })),
          ece: 0.05,
          auroc: 0.8,
          pckhAtCoverage: COVERAGE_DROPS.map((d) => base - 3 + d / 20),
          scoreMin: 0,
          scoreMax: 1,
          constantScore: false,
        }
      : null,
    manifest: null,
  };
}

const MODEL: ReportModel = {
  dataset: 'set_1 & co',
  persons: 10,
  protocol: 'mmpose0x',
  thresholds: Array.from(PCKH_SWEEP_THRESHOLDS),
  ci: { bootstrap: 100, seed: 1, confidence: 0.95 },
  variants: [
    variant('a&b_c%#$', 90, { latency: 5, params: 1_234_567, scores: true }),
    variant('x|y*z <b>"q"', 90, { latency: 5.001, params: 999 }),
    variant('{braces}~^\\', 80),
  ],
  notes: ['a note with 50 % and _underscores_'],
};

describe('report renderers', () => {
  it('table model: ties in the printed value are all best; latency best = lowest median; no bold on a single value', () => {
    const t = variantTable(MODEL, 'mmpose');
    expect(t.header).toEqual(['Variant', 'Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Mean', 'Mean@0.1', 'Latency ms (p5–p95)', 'Params']);
    expect(t.rows.map((r) => r.cells[0]!.best)).toEqual([true, true, false]); // 90.00 twice
    expect(t.rows.map((r) => r.cells[3]!.text)).toEqual(['—', '—', '—']); // Wrist null everywhere
    expect(t.rows.map((r) => r.cells[9]!.best)).toEqual([true, true, false]); // 5.00 vs 5.00 (5.001)
    expect(t.rows.map((r) => r.cells[10]!.text)).toEqual(['1.23 M', '999', 'n/a']);
    expect(t.rows[0]!.cells[7]!.interval).toBe('[86.00, 88.00]');
    const mpii = variantTable(MODEL, 'mpii');
    expect(mpii.rows[0]!.cells.map((c) => c.interval).slice(0, 10)).toEqual(['[89.0, 90.5]', null, null, null, null, null, null, null, '[86.0, 88.0]', null]);
  });

  it('latex: escaped specials, and every tabular row has as many cells as the column spec', () => {
    const tex = renderReport(MODEL, 'latex');
    expect(tex).toContain('a\\&b\\_c\\%\\#\\$');
    expect(tex).toContain('\\{braces\\}\\textasciitilde{}\\textasciicircum{}\\textbackslash{}');
    const tabulars = [...tex.matchAll(/\\begin\{tabular\}\{([^}]*)\}([\s\S]*?)\\end\{tabular\}/g)];
    expect(tabulars).toHaveLength(3);
    for (const [, spec, body] of tabulars) {
      const rows = body!.split('\n').filter((l) => l.endsWith('\\\\'));
      expect(rows.length).toBeGreaterThanOrEqual(1 + MODEL.variants.length); // header + a row per variant (or joint)
      for (const row of rows) expect(row.split(/(?<!\\)&/).length).toBe(spec!.length);
    }
  });

  it("markdown: pipes escaped so every row has the header's cell count", () => {
    const md = renderReport(MODEL, 'markdown');
    const tables = md.split('\n## ').slice(1, 4);
    for (const section of tables) {
      const rows = section.split('\n').filter((l) => l.startsWith('| '));
      const width = rows[0]!.split(/(?<!\\)\|/).length;
      for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(width);
    }
    expect(md).toContain('x\\|y\\*z \\<b\\>"q"');
  });

  it('csv: names quoted where needed; one field per header column', () => {
    const csv = renderReport(MODEL, 'csv');
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + MODEL.variants.length);
    expect(lines[2]!.startsWith('"x|y*z <b>""q""",model,')).toBe(true);
    const header = lines[0]!.split(',');
    expect(header).toContain('PCKh_ci_lo');
    expect(header).toContain('mpii_UBody');
    for (const line of lines) expect(csvFieldCount(line), line).toBe(header.length);
  });

  it('html: markup in names escaped, no script, every chart present, deterministic', () => {
    const html = renderReport(MODEL, 'html');
    expect(html).not.toContain('<b>"q"');
    expect(html).toContain('x|y*z &lt;b&gt;&quot;q&quot;');
    expect(html).not.toMatch(/<script|<link |src=/);
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBe(6);
    expect(renderReport(MODEL, 'html')).toBe(html);
  });
});

/** Fields of one CSV line (RFC 4180 quoting: "" inside quotes, commas inside quotes are data). */
function csvFieldCount(line: string): number {
  let fields = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      if (quoted && line[i + 1] === '"') i++;
      else quoted = !quoted;
    } else if (c === ',' && !quoted) fields++;
  }
  return fields;
}
