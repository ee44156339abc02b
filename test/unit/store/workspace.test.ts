import { listLatencyMeasurements } from '../../../src-main/store/latency-repo.ts';
import { currentRun } from '../../../src-main/store/runs-repo.ts';
import { getVariant } from '../../../src-main/store/variants-repo.ts';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../src-main/core/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../../src-main/store/migrations.ts';
import { closeWorkspace, openWorkspace, workspaceSchemaVersion } from '../../../src-main/store/workspace.ts';
import { posebenchDataHome, workspacePathFor, workspaceSlug } from '../../../src-main/store/workspace-path.ts';
import { tempDir } from './store-fixtures.ts';

const EXPECTED_TABLES = [
  'coco_corrections',
  'coco_review_decisions',
  'coco_variants',
  'corrections',
  'datasets',
  'file_digests',
  'gt_review_decisions',
  'instances',
  'latency_measurements',
  'metrics',
  'original_annotations',
  'predictions',
  'run_failures',
  'run_joint_errors',
  'run_predictions_packed',
  'run_warnings',
  'runs',
  // AUTOINCREMENT's counter (coco_corrections ids are never reused)
  'sqlite_sequence',
  'variants',
];

function tableNames(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

describe('openWorkspace', () => {
  it('creates every table on an empty file and records the schema version', () => {
    const file = path.join(tempDir(), 'nested', 'dir', 'ws.sqlite');
    const ws = openWorkspace(file);
    try {
      expect(ws.migrated).toEqual(MIGRATIONS.map((m) => m.version));
      expect(workspaceSchemaVersion(ws)).toBe(LATEST_SCHEMA_VERSION);
      expect(tableNames(ws.db)).toEqual(EXPECTED_TABLES);
      expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      closeWorkspace(ws);
    }
  });

  it('re-opens idempotently: no migration runs again and the data stays', () => {
    const file = path.join(tempDir(), 'ws.sqlite');
    const first = openWorkspace(file);
    first.db.prepare("INSERT INTO variants (name, kind, source_path, created_at) VALUES ('kept', 'imported', 'x', 'now')").run();
    closeWorkspace(first);
    const second = openWorkspace(file);
    try {
      expect(second.migrated).toEqual([]);
      expect(workspaceSchemaVersion(second)).toBe(LATEST_SCHEMA_VERSION);
      expect(second.db.prepare('SELECT name FROM variants').pluck().all()).toEqual(['kept']);
    } finally {
      closeWorkspace(second);
    }
  });

  it('uses WAL journal mode, persisted in the file (seen by a fresh plain connection)', () => {
    const file = path.join(tempDir(), 'ws.sqlite');
    const ws = openWorkspace(file);
    ws.db.prepare("INSERT INTO variants (name, kind, source_path, created_at) VALUES ('v', 'imported', 'x', 'now')").run();
    expect(existsSync(`${file}-wal`)).toBe(true);
    const other = new Database(file, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(ws.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    } finally {
      other.close();
      closeWorkspace(ws);
    }
  });

  it('applies each migration in its own transaction: a failing one leaves the previous version intact', () => {
    const file = path.join(tempDir(), 'ws.sqlite');
    const migrations: Migration[] = [
      { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE one (x INTEGER)') },
      {
        version: 2,
        name: 'two fails halfway',
        up: (db) => {
          db.exec('CREATE TABLE two (x INTEGER)');
          throw new Error('boom in migration two');
        },
      },
    ];
    expect(() => openWorkspace(file, { migrations })).toThrow(/boom in migration two/);
    const db = new Database(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(tableNames(db)).toEqual(['one']);
    } finally {
      db.close();
    }
    // Fixed migration two runs on the next open, and only it.
    const fixed: Migration[] = [migrations[0]!, { version: 2, name: 'two', up: (db2) => db2.exec('CREATE TABLE two (x INTEGER)') }];
    const ws = openWorkspace(file, { migrations: fixed });
    expect(ws.migrated).toEqual([2]);
    closeWorkspace(ws);
  });

  it("migrates a version-1 workspace: a variant's latency becomes the first entry of its history, finished runs are current, undo groups get their column", () => {
    const file = path.join(tempDir(), 'ws.sqlite');
    openWorkspace(file, { migrations: MIGRATIONS.slice(0, 1) }).db.close();
    const db = new Database(file);
    db.exec(`INSERT INTO datasets (id, root, layout, split, annotation_file, fingerprint, opened_at, imported_at)
               VALUES (1, '/d', 'mmpose', 'val', 'a.json', 'f', 't', 't');
             INSERT INTO variants (id, dataset_id, name, kind, source_path, latency_median_ms, latency_p95_ms, latency_env_json, created_at)
               VALUES (7, 1, 'm', 'model', '/m.onnx', 3.5, 4.25, '{"cpu":"x"}', '2026-01-01T00:00:00.000Z');
             INSERT INTO runs (id, dataset_id, variant_id, status, total, created_at, finished_at)
               VALUES (3, 1, 7, 'done', 5, 't', '2026-01-02T00:00:00.000Z');
             INSERT INTO instances (id, dataset_id, entry_index, image) VALUES (1, 1, 0, 'a.jpg');
             INSERT INTO corrections (id, dataset_id, instance_id, kind, joint, previous_value_json, new_value_json, note, created_at)
               VALUES (1, 1, 1, 'swap', 2, '{}', '{}', 'posebench-group:abc', 't'), (2, 1, 1, 'joint', 3, '{}', '{}', 'a remark', 't');`);
    db.close();
    const ws = openWorkspace(file);
    try {
      expect(ws.migrated).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
      expect(listLatencyMeasurements(ws, 7)).toMatchObject([{ medianMs: 3.5, p95Ms: 4.25, n: 0, p5Ms: null, environment: { cpu: 'x' } }]);
      expect(currentRun(ws, 1, 7)?.id).toBe(3);
      expect(getVariant(ws, 7)).toMatchObject({ name: 'm', hidden: false, decoderOptions: {} });
      // Undo groups move from the note prefix to their own column; other notes stay notes.
      expect(ws.db.prepare('SELECT note, group_key AS groupKey FROM corrections ORDER BY id').all()).toEqual([
        { note: null, groupKey: 'abc' },
        { note: 'a remark', groupKey: null },
      ]);
    } finally {
      closeWorkspace(ws);
    }
  });

  it('refuses a workspace written by a newer schema, naming the file', () => {
    const file = path.join(tempDir(), 'ws.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openWorkspace(file)).toThrow(PosebenchInputError);
    expect(() => openWorkspace(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*newer`));
  });

  it('reports a file that is not SQLite as bad input naming it', () => {
    const file = path.join(tempDir(), 'not-a-db.sqlite');
    writeFileSync(file, 'this is a text file, not a database '.repeat(200));
    let caught: unknown;
    try {
      openWorkspace(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PosebenchInputError);
    expect((caught as PosebenchInputError).location.file).toBe(file);
  });

  it('passes nativeBinding (option or POSEBENCH_SQLITE_BINDING) to better-sqlite3', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'no-such-binding.node');
    expect(() => openWorkspace(path.join(dir, 'a.sqlite'), { nativeBinding: missing })).toThrow(PosebenchInputError);
    expect(() => openWorkspace(path.join(dir, 'b.sqlite'), { env: { POSEBENCH_SQLITE_BINDING: missing } })).toThrow(PosebenchInputError);
    // The real addon, given explicitly, works: the option reaches the loader rather than being ignored.
    const require = createRequire(import.meta.url);
    const realBinding = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    const ws = openWorkspace(path.join(dir, 'c.sqlite'), { env: { POSEBENCH_SQLITE_BINDING: realBinding } });
    expect(workspaceSchemaVersion(ws)).toBe(LATEST_SCHEMA_VERSION);
    closeWorkspace(ws);
  });
});

describe('workspacePathFor', () => {
  const linux = { platform: 'linux' as const, homedir: '/home/ada' };

  it('follows POSEBENCH_HOME, then XDG_DATA_HOME, then ~/.local/share on Linux', () => {
    expect(posebenchDataHome({ POSEBENCH_HOME: '/data/pb', XDG_DATA_HOME: '/xdg' }, linux)).toBe(path.resolve('/data/pb'));
    expect(posebenchDataHome({ XDG_DATA_HOME: '/xdg' }, linux)).toBe(path.join('/xdg', 'posebench'));
    expect(posebenchDataHome({ XDG_DATA_HOME: 'relative/ignored' }, linux)).toBe(path.join('/home/ada', '.local', 'share', 'posebench'));
    expect(posebenchDataHome({}, linux)).toBe(path.join('/home/ada', '.local', 'share', 'posebench'));
  });

  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(posebenchDataHome({}, { platform: 'darwin', homedir: '/Users/ada' })).toBe(path.join('/Users/ada', 'Library', 'Application Support', 'posebench'));
    expect(posebenchDataHome({ APPDATA: 'C:/Users/ada/AppData/Roaming' }, { platform: 'win32', homedir: 'C:/Users/ada' })).toBe(
      path.join('C:/Users/ada/AppData/Roaming', 'posebench'),
    );
  });

  it('names the file <slug>-<16 hex of sha256(realpath)>.sqlite, the same through a symlink', async () => {
    const { createHash } = await import('node:crypto');
    const { realpathSync } = await import('node:fs');
    const base = tempDir();
    const dataset = path.join(base, 'My MPII Set!');
    mkdirSync(dataset);
    const link = path.join(base, 'link-to-set');
    symlinkSync(dataset, link);
    const env = { POSEBENCH_HOME: path.join(base, 'home') };
    const file = workspacePathFor(dataset, env, linux);
    const hex = createHash('sha256').update(realpathSync(dataset)).digest('hex').slice(0, 16);
    expect(file).toBe(path.join(base, 'home', 'workspaces', `my-mpii-set-${hex}.sqlite`));
    expect(workspacePathFor(link, env, linux)).toBe(file);
    expect(workspacePathFor(path.join(dataset, '..', 'My MPII Set!'), env, linux)).toBe(file);
  });

  it('gives two folders with the same name different workspaces', () => {
    const base = tempDir();
    const a = path.join(base, 'a', 'mpii');
    const b = path.join(base, 'b', 'mpii');
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    const env = { POSEBENCH_HOME: base };
    expect(workspacePathFor(a, env, linux)).not.toBe(workspacePathFor(b, env, linux));
    expect(path.basename(workspacePathFor(a, env, linux))).toMatch(/^mpii-[0-9a-f]{16}\.sqlite$/);
  });

  it('makes a safe slug out of any folder name', () => {
    expect(workspaceSlug('/x/Été 2024 (val)')).toBe('ete-2024-val');
    expect(workspaceSlug('/x/日本')).toBe('dataset');
    expect(workspaceSlug(`/x/${'a'.repeat(80)}`)).toHaveLength(40);
  });
});
