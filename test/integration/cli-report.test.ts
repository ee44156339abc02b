/**
 * Issue 16 item 4 through the real binary: `posebench report` on a workspace with the demo models run
 * by `eval --model` (latency, parameters, scores) and a seeded noisy prediction set imported with
 * `eval --predictions` (no latency, no model file). Every number is checked against what
 * `eval --format json` printed for the same run; the LaTeX parses as tabulars with consistent column
 * counts; the HTML opens in Chromium with every chart drawn, no console error and no network request,
 * and screenshots at 1440×900 and 1024×700 are written (their folder is printed). With ../shared, the
 * five published MPII val prediction sets in one workspace.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-main/core/seeded-random.ts';
import { ensureDemo, type EnsureDemoResult } from '../../src-main/demo/ensure-demo.ts';
import { CHROMIUM_PATH, HAS_CHROMIUM, openBrowser } from '../e2e/e2e-support.ts';
import { runPosebench } from '../support/run-cli.ts';
import { HAS_SHARED, PROJECT_ROOT, sharedPath, skipWithoutShared } from '../support/shared-fixtures.ts';

interface EvalVariantJson {
  variant: string;
  instances: number;
  metrics: Record<string, number | null>;
  per_joint: { name: string; count: number; pckh: number | null; pckh_at_0_1: number | null }[];
  auc_0_to_0_5?: number | null;
  latency?: { n: number; median_ms: number; p5_ms: number | null; p95_ms: number | null } | null;
  manifest?: { source: { sha256: string } } | null;
}

const METRIC_KEYS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1'];
const SCREENSHOT_DIR = path.join(os.tmpdir(), 'posebench-report-screenshots');

/** Demo GT (1-based) → 0-based predictions with seeded noise and a score falling with the error. */
function writeNoisyPredictions(file: string, gtJson: string, noise: number, seed: number): void {
  const entries = JSON.parse(readFileSync(gtJson, 'utf8')) as { joints: [number, number][]; scale: number }[];
  const random = mulberry32(seed);
  const preds = entries.map((e) =>
    e.joints.map(([x, y]) => {
      const dx = noise * e.scale * 20 * (random() - 0.5) * 2;
      const dy = noise * e.scale * 20 * (random() - 0.5) * 2;
      const err = Math.hypot(dx, dy) / (e.scale * 20);
      return [x - 1 + dx, y - 1 + dy, Math.max(0, Math.min(1, Math.exp(-err) + 0.1 * (random() - 0.5)))];
    }),
  );
  writeFileSync(file, JSON.stringify({ preds }));
}

/** RFC 4180 enough for our output: quoted fields with doubled quotes. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, k) => [h, r[k] ?? ''])));
}

const csvNumber = (text: string | undefined): number | null => (text === undefined || text === '' ? null : Number(text));

/** Markdown table under `## title…`: row label → cells with bold marks and intervals stripped. */
function markdownTable(md: string, titleStart: string): Map<string, string[]> {
  const section = md.split('\n## ').find((s) => s.startsWith(titleStart));
  if (section === undefined) throw new Error(`no section "${titleStart}"`);
  const lines = section.split('\n').filter((l) => l.startsWith('| '));
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const cells = line
      .slice(2, -2)
      .split(' | ')
      .map((c) =>
        c
          .replace(/\*\*/g, '')
          .replace(/ [[(].*$/, '')
          .trim(),
      );
    rows.set(cells[0]!.replace(/\\(.)/g, '$1'), cells.slice(1));
  }
  return rows;
}

/** Every `tabular` of a LaTeX text: column count of its spec and the `&`-cell count of each row. */
function latexTabulars(tex: string): { columns: number; rows: number[] }[] {
  const out: { columns: number; rows: number[] }[] = [];
  for (const m of tex.matchAll(/\\begin\{tabular\}\{([^}]*)\}([\s\S]*?)\\end\{tabular\}/g)) {
    const columns = m[1]!.replace(/[^lrc]/g, '').length;
    const rows = m[2]!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^\\(top|mid|bottom)rule$/.test(l))
      .map((l) => {
        expect(l.endsWith(' \\\\')).toBe(true);
        return l.split(/(?<!\\)&/).length;
      });
    out.push({ columns, rows });
  }
  return out;
}

function hitsOf(j: EvalVariantJson['per_joint'][number]): number {
  return Math.round(((j.pckh ?? 0) * j.count) / 100);
}

describe('posebench report on the demo dataset', () => {
  let dir = '';
  let db = '';
  let demo: EnsureDemoResult;
  const evals = new Map<string, EvalVariantJson>();
  const ws = (): string[] => ['--dataset', demo.datasetDir, '--db', db];
  const report = async (format: string, extra: string[] = []): Promise<string> => {
    const out = path.join(dir, `report-${format}-${extra.join('_').replace(/[^a-z0-9]+/gi, '')}.${format}`);
    const result = await runPosebench(['report', ...ws(), '--format', format, '--out', out, ...extra]);
    expect(result.code, result.stderr).toBe(0);
    return readFileSync(out, 'utf8');
  };

  beforeAll(async () => {
    demo = await ensureDemo(PROJECT_ROOT);
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-report-'));
    db = path.join(dir, 'ws.sqlite');
    const models = await runPosebench(['eval', ...ws(), ...demo.modelFiles.flatMap((m) => ['--model', m]), '--latency-runs', '10', '--format', 'json']);
    expect(models.code, models.stderr).toBe(0);
    for (const v of (JSON.parse(models.stdout) as { variants: EvalVariantJson[] }).variants) evals.set(v.variant, v);
    writeNoisyPredictions(path.join(dir, 'noisy.json'), path.join(demo.datasetDir, 'annotations', 'mpii_val.json'), 1.2, 5);
    const imported = await runPosebench([
      'eval',
      ...ws(),
      '--predictions',
      path.join(dir, 'noisy.json'),
      '--coordinate-base',
      '0',
      '--name',
      'noisy',
      '--format',
      'json',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    evals.set('noisy', JSON.parse(imported.stdout) as EvalVariantJson);
  }, 240_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('csv: every number equal to eval --format json bit for bit (one code path per number)', async () => {
    const rows = parseCsv(await report('csv'));
    expect(rows.map((r) => r['variant'])).toEqual([...evals.keys()]);
    for (const row of rows) {
      const e = evals.get(row['variant']!)!;
      expect(csvNumber(row['persons'])).toBe(e.instances);
      for (const k of METRIC_KEYS) expect({ k, v: csvNumber(row[k]) }).toEqual({ k, v: e.metrics[k] });
      expect(csvNumber(row['mpii_Total'])).toBe(e.metrics['PCKh']);
      expect(csvNumber(row['mpii_AUC'])).toBe(e.auc_0_to_0_5);
      for (const j of e.per_joint) {
        expect({ j: j.name, v: csvNumber(row[j.name]), v01: csvNumber(row[`${j.name}@0.1`]), n: csvNumber(row[`${j.name}_count`]) }).toEqual({
          j: j.name,
          v: j.pckh,
          v01: j.pckh_at_0_1,
          n: j.count,
        });
      }
      expect(csvNumber(row['latency_median_ms'])).toBe(e.latency?.median_ms ?? null);
      expect(csvNumber(row['latency_p5_ms'])).toBe(e.latency?.p5_ms ?? null);
      expect(csvNumber(row['latency_p95_ms'])).toBe(e.latency?.p95_ms ?? null);
      expect(row['model_sha256']).toBe(e.manifest?.source.sha256 ?? '');
      // Parameters: counted from the ONNX graph for models, none for imported predictions.
      if (row['kind'] === 'model') expect(csvNumber(row['parameters'])).toBeGreaterThan(0);
      else expect(row['parameters']).toBe('');
    }
  });

  it('markdown: both layouts show the eval numbers rounded (MPII toolkit: Head = neck + head top, UBody pooled over the arms)', async () => {
    const md = await report('markdown');
    const mmpose = markdownTable(md, 'PCKh@0.5, mmpose layout');
    const mpii = markdownTable(md, 'PCKh@0.5, MPII toolkit layout');
    for (const [name, e] of evals) {
      const fixed = (v: number | null | undefined, d: number): string => (v === null || v === undefined ? '—' : v.toFixed(d));
      expect({ name, cells: mmpose.get(name)!.slice(0, 9) }).toEqual({ name, cells: METRIC_KEYS.map((k) => fixed(e.metrics[k], 2)) });
      const joint = (n: string): EvalVariantJson['per_joint'][number] => e.per_joint.find((j) => j.name === n)!;
      const arms = ['right_wrist', 'right_elbow', 'right_shoulder', 'left_shoulder', 'left_elbow', 'left_wrist'].map(joint);
      const ubody = (100 * arms.reduce((a, j) => a + hitsOf(j), 0)) / arms.reduce((a, j) => a + j.count, 0);
      const head = (joint('upper_neck').pckh! + joint('head_top').pckh!) / 2;
      const expected = [
        head,
        e.metrics['Shoulder'],
        e.metrics['Elbow'],
        e.metrics['Wrist'],
        e.metrics['Hip'],
        e.metrics['Knee'],
        e.metrics['Ankle'],
        ubody,
        e.metrics['PCKh'],
        e.auc_0_to_0_5,
      ].map((v) => fixed(v, 1));
      expect({ name, cells: mpii.get(name)!.slice(0, 10) }).toEqual({ name, cells: expected });
      expect({ name, latency: mmpose.get(name)![9] }).toEqual({ name, latency: e.latency ? e.latency.median_ms.toFixed(2) : '—' });
      expect({ name, params: mmpose.get(name)![10] === 'n/a' }).toEqual({ name, params: name === 'noisy' });
    }
    // Best per column in bold: the highest Mean, the lowest latency.
    const best = [...evals.values()].reduce((a, b) => ((b.metrics['PCKh'] ?? 0) > (a.metrics['PCKh'] ?? 0) ? b : a));
    expect(md).toMatch(new RegExp(`\\| ${best.variant} \\|[^\\n]*\\*\\*${best.metrics['PCKh']!.toFixed(2)}\\*\\*`));
    expect(md).toMatch(/genTablePCK\.m/);
  });

  it('latex: each tabular has as many cells in every row as its column spec has columns', async () => {
    const tex = await report('latex', ['--ci', '--bootstrap', '200']);
    const tabulars = latexTabulars(tex);
    expect(tabulars).toHaveLength(3);
    for (const t of tabulars) {
      expect(t.rows.length).toBeGreaterThan(1);
      for (const cells of t.rows) expect(cells).toBe(t.columns);
    }
    expect(tabulars[0]!.columns).toBe(1 + 10 + 2); // Variant, the toolkit's 10 columns, latency, params
    expect(tabulars[1]!.columns).toBe(1 + 9 + 2);
    expect(tex).toMatch(/\\textbf\{/);
    expect(tex).toMatch(/demo\\_heatmap\\_256/); // escaped
  });

  it('--ci: intervals equal `posebench stats` for the same seed; the same workspace and seed give the same bytes', async () => {
    const args = ['--ci', '--bootstrap', '200', '--seed', '3'];
    const rows = parseCsv(await report('csv', args));
    const stats = await runPosebench(['stats', ...ws(), '--bootstrap', '200', '--seed', '3', '--format', 'json']);
    expect(stats.code, stats.stderr).toBe(0);
    const variants = (JSON.parse(stats.stdout) as { variants: { name: string; columns: { name: string; ci: [number | null, number | null] }[] }[] }).variants;
    for (const row of rows) {
      const columns = variants.find((v) => v.name === row['variant'])!.columns;
      for (const c of columns)
        expect({ c: c.name, ci: [csvNumber(row[`${c.name}_ci_lo`]), csvNumber(row[`${c.name}_ci_hi`])] }).toEqual({ c: c.name, ci: c.ci });
    }
    for (const format of ['html', 'markdown']) {
      const first = await report(format, args);
      const again = await report(format, args);
      expect(again).toBe(first);
    }
  }, 180_000);

  it.skipIf(!HAS_CHROMIUM)('html: one self-contained file; every chart drawn in Chromium, no console error, no request; screenshots', async () => {
    const html = await report('html', ['--ci', '--bootstrap', '200']);
    expect(html).not.toMatch(/<script|<link|src=|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const file = path.join(dir, 'report.html');
    writeFileSync(file, html);
    const browser = await openBrowser();
    try {
      const requests: string[] = [];
      const fileUrl = pathToFileURL(file).href;
      browser.page.on('request', (request) => {
        if (request.url() !== fileUrl) requests.push(request.url());
      });
      await browser.page.goto(fileUrl);
      const charts = await browser.page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          return {
            title: svg.querySelector('title')?.textContent ?? '',
            width: box.width,
            height: box.height,
            marks: svg.querySelectorAll('rect, path, circle').length,
          };
        }),
      );
      expect(charts.map((c) => c.title)).toEqual([
        'PCKh per joint group',
        'Mean PCKh vs threshold',
        'PCKh vs latency',
        'Error classes',
        'Reliability',
        'PCKh at coverage',
      ]);
      for (const c of charts) {
        expect(c.width, c.title).toBeGreaterThan(100);
        expect(c.height, c.title).toBeGreaterThan(50);
        expect(c.marks, c.title).toBeGreaterThan(3);
      }
      expect(await browser.page.locator('details').count()).toBe(evals.size);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      for (const viewport of [
        { width: 1440, height: 900 },
        { width: 1024, height: 700 },
      ]) {
        await browser.page.setViewportSize(viewport);
        // Nothing but the tables may scroll sideways.
        expect(await browser.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
        await browser.page.screenshot({ path: path.join(SCREENSHOT_DIR, `demo-${viewport.width}x${viewport.height}.png`), fullPage: true });
      }
      console.info(`report screenshots (Chromium ${CHROMIUM_PATH}): ${SCREENSHOT_DIR}`);
      expect(requests).toEqual([]);
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('usage errors: no --out, an unknown format, an unknown variant', async () => {
    const noOut = await runPosebench(['report', ...ws(), '--format', 'csv']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out FILE/);
    const badFormat = await runPosebench(['report', ...ws(), '--format', 'pdf', '--out', path.join(dir, 'x.pdf')]);
    expect(badFormat.code).toBe(2);
    const unknown = await runPosebench(['report', ...ws(), '--variant', 'nope', '--format', 'csv', '--out', path.join(dir, 'x.csv')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no variant named "nope"/);
    expect(existsSync(path.join(dir, 'x.csv'))).toBe(false);
  });
});

skipWithoutShared('report on the published MPII val prediction sets');

describe.skipIf(!HAS_SHARED)('posebench report on the five published MPII val prediction sets', () => {
  let dir = '';
  let db = '';
  const dataset = HAS_SHARED ? sharedPath('fixtures', 'mpii-val') : '';
  const sets: [string, string, string][] = [
    ['newell', 'newell.json', '1'],
    ['tompson', 'tompson.json', '1'],
    ['s1', 'bearpaw-hg_s1_b1.json', '0'],
    ['s2', 'bearpaw-hg_s2_b1.json', '0'],
    ['s8', 'bearpaw-hg_s8_b1.json', '0'],
  ];
  const expected = HAS_SHARED
    ? (JSON.parse(readFileSync(sharedPath('fixtures', 'mpii-predictions', 'expected.json'), 'utf8')) as Record<string, { mmpose0x: Record<string, number> }>)
    : {};
  const key = (name: string): string => (name.startsWith('s') ? `bearpaw-hg_${name}_b1` : name);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-report-mpii-'));
    db = path.join(dir, 'ws.sqlite');
    for (const [name, file, base] of sets) {
      const result = await runPosebench([
        'eval',
        '--dataset',
        dataset,
        '--db',
        db,
        '--predictions',
        sharedPath('fixtures', 'mpii-predictions', file),
        '--coordinate-base',
        base,
        '--name',
        name,
        '--format',
        'json',
      ]);
      expect(result.code, result.stderr).toBe(0);
    }
  }, 240_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('csv values equal expected.json; markdown printed; html drawn in Chromium', async () => {
    const out = (ext: string): string => path.join(dir, `report.${ext}`);
    for (const format of ['csv', 'markdown', 'html']) {
      const result = await runPosebench([
        'report',
        '--dataset',
        dataset,
        '--db',
        db,
        '--format',
        format,
        '--out',
        out(format),
        ...(format === 'html' ? ['--ci', '--bootstrap', '500'] : []),
      ]);
      expect(result.code, result.stderr).toBe(0);
    }
    const rows = parseCsv(readFileSync(out('csv'), 'utf8'));
    expect(rows.map((r) => r['variant'])).toEqual(sets.map(([name]) => name));
    for (const row of rows) {
      expect(csvNumber(row['persons'])).toBe(2958);
      for (const k of METRIC_KEYS)
        expect({ v: row['variant'], k, value: csvNumber(row[k]) }).toEqual({ v: row['variant'], k, value: expected[key(row['variant']!)]!.mmpose0x[k] });
    }
    console.info(`\nposebench report --format markdown on the five published sets:\n${readFileSync(out('markdown'), 'utf8')}`);
    if (!HAS_CHROMIUM) return;
    const browser = await openBrowser();
    try {
      await browser.page.goto(pathToFileURL(out('html')).href);
      const sizes = await browser.page.$$eval('svg.chart', (svgs) => svgs.map((s) => s.getBoundingClientRect().width * s.getBoundingClientRect().height));
      expect(sizes.length).toBeGreaterThanOrEqual(3);
      for (const s of sizes) expect(s).toBeGreaterThan(0);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      for (const viewport of [
        { width: 1440, height: 900 },
        { width: 1024, height: 700 },
      ]) {
        await browser.page.setViewportSize(viewport);
        await browser.page.screenshot({ path: path.join(SCREENSHOT_DIR, `mpii-${viewport.width}x${viewport.height}.png`), fullPage: true });
      }
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
