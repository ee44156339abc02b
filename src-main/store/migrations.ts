/**
 * Workspace schema, as an ordered list of migrations. `PRAGMA user_version` holds how many have been
 * applied; each one runs in its own transaction together with the version bump, so a crash leaves the
 * file at a whole version. Never edit a migration that has shipped: append a new one.
 *
 * Conventions: coordinates are 0-based image pixels except in `gt_*` columns, which keep the `.mat`'s
 * own 1-based values (spec §1.4); BLOBs are raw little-endian typed arrays (see blobs.ts); times are
 * ISO-8601 UTC strings.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database) => void;
}

const initialSchema = `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  root TEXT NOT NULL,
  layout TEXT NOT NULL CHECK (layout IN ('mmpose', 'hrnet')),
  split TEXT NOT NULL CHECK (split IN ('val', 'train')),
  annotation_file TEXT NOT NULL,
  gt_mat_file TEXT,
  gt_joint_names_json TEXT,
  fingerprint TEXT NOT NULL,
  -- bumped by every change to the effective ground truth (re-import, correction, undo, redo), so a
  -- metric or a set of joint errors knows which ground truth it was computed against
  gt_revision INTEGER NOT NULL DEFAULT 0,
  opened_at TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  UNIQUE (root, split)
);

-- One person of the dataset. An instance is never deleted: when a re-import no longer has the same
-- image at an entry index, the old instance is retired (its corrections and predictions stay).
CREATE TABLE instances (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  entry_index INTEGER NOT NULL,
  image TEXT NOT NULL,
  retired_at TEXT
);
CREATE UNIQUE INDEX instances_current ON instances(dataset_id, entry_index) WHERE retired_at IS NULL;

CREATE TABLE original_annotations (
  instance_id INTEGER PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
  raw_json TEXT NOT NULL,
  center_x REAL,
  center_y REAL,
  scale REAL NOT NULL,
  joints BLOB NOT NULL,        -- float64[16*2], 0-based, NaN where missing
  joints_vis BLOB NOT NULL,    -- uint8[16], json joints_vis as given
  gt_positions BLOB,           -- float64[16*2] pos_gt_src, 1-based (NULL without a gt .mat)
  gt_missing BLOB,             -- uint8[16] jnt_missing
  gt_headbox BLOB              -- float64[4] headboxes_src x1,y1,x2,y2, 1-based
);

-- The history layer over the originals. Rows are never deleted: undo sets undone_at, a new edit after
-- undo sets discarded_at on the redo tail. Effective ground truth = originals + active rows in id order.
CREATE TABLE corrections (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('joint', 'visibility', 'headbox', 'swap')),
  joint INTEGER,
  previous_value_json TEXT NOT NULL,
  new_value_json TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL,
  undone_at TEXT,
  discarded_at TEXT
);
CREATE INDEX corrections_by_dataset ON corrections(dataset_id, id);
CREATE INDEX corrections_by_instance ON corrections(instance_id, id);

CREATE TABLE variants (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('model', 'imported')),
  source_path TEXT NOT NULL,
  head_type TEXT,
  input_width INTEGER,
  input_height INTEGER,
  sidecar_json TEXT,
  latency_median_ms REAL,
  latency_p95_ms REAL,
  latency_env_json TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  variant_id INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled', 'failed')),
  total INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  options_json TEXT,
  errors_gt_revision INTEGER,  -- gt_revision the stored joint_errors were computed against
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  error TEXT
);
CREATE INDEX runs_by_dataset_variant ON runs(dataset_id, variant_id, id);

CREATE TABLE run_failures (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  PRIMARY KEY (run_id, instance_id)
) WITHOUT ROWID;

-- instance_id has no foreign key in the two bulk tables below: instances are never deleted on their
-- own (a re-import retires them), and deleting a dataset deletes its runs, which cascade here. A key
-- on instance_id would need an index on it, which costs about as much as the rows themselves to write.
CREATE TABLE predictions (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  instance_id INTEGER NOT NULL,
  xy_score BLOB NOT NULL,      -- float32[16*3]: x, y (0-based image pixels), score per joint
  PRIMARY KEY (run_id, instance_id)
) WITHOUT ROWID;

-- One row per evaluated (visible) joint. The primary key serves both "A hits, B misses on joint J"
-- (a join on the whole key) and "instances of run R by error on joint J, worst first" (a key range of
-- one (run, joint), i.e. one row per person, sorted in memory in about a millisecond). An extra
-- (run, joint, error) index was measured to double the write time of a run for no visible read gain.
-- normalized_error is NULL when it is not a number (zero-size head box): a miss of unknown size.
CREATE TABLE joint_errors (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  joint INTEGER NOT NULL,
  instance_id INTEGER NOT NULL,
  normalized_error REAL,
  hit INTEGER NOT NULL CHECK (hit IN (0, 1)),
  PRIMARY KEY (run_id, joint, instance_id)
) WITHOUT ROWID;

CREATE TABLE metrics (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  protocol TEXT NOT NULL,
  gt_revision INTEGER NOT NULL,
  report_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (run_id, protocol, gt_revision)
);
`;

/**
 * Run identity and manifests (issue 11): a run is reused or resumed only when its identity key (model
 * bytes, effective options, code and runtime versions) matches; every run carries its manifest;
 * latency is a history of distributions; variants keep their decoder options and can be hidden. The
 * variant's single latency columns move into `latency_measurements` (kept as history, n unknown).
 */
const runIdentitySchema = `
ALTER TABLE runs ADD COLUMN identity_key TEXT;
ALTER TABLE runs ADD COLUMN manifest_json TEXT;
-- When a finished run last became its variant's current one (finished, or reused by a later request):
-- the variant's numbers come from its done run with the newest current_at.
ALTER TABLE runs ADD COLUMN current_at TEXT;
UPDATE runs SET current_at = finished_at WHERE status = 'done';
CREATE INDEX runs_by_identity ON runs(variant_id, identity_key, id);

ALTER TABLE variants ADD COLUMN decoder_options_json TEXT;  -- explicit options over the sidecar's
ALTER TABLE variants ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));

-- One row per latency measurement of a variant (a run's, or a re-measurement). Times in ms.
CREATE TABLE latency_measurements (
  id INTEGER PRIMARY KEY,
  variant_id INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  identity_key TEXT,
  model_sha256 TEXT,
  n INTEGER NOT NULL,
  warmup INTEGER NOT NULL,
  median_ms REAL NOT NULL,
  p5_ms REAL,
  p25_ms REAL,
  p75_ms REAL,
  p95_ms REAL NOT NULL,
  mean_ms REAL,
  min_ms REAL,
  environment_json TEXT NOT NULL,
  measured_at TEXT NOT NULL
);
CREATE INDEX latency_by_variant ON latency_measurements(variant_id, id);
INSERT INTO latency_measurements (variant_id, n, warmup, median_ms, p95_ms, environment_json, measured_at)
  SELECT id, 0, 0, latency_median_ms, latency_p95_ms, COALESCE(latency_env_json, '{}'), created_at
  FROM variants WHERE latency_median_ms IS NOT NULL AND latency_p95_ms IS NOT NULL;
ALTER TABLE variants DROP COLUMN latency_median_ms;
ALTER TABLE variants DROP COLUMN latency_p95_ms;
ALTER TABLE variants DROP COLUMN latency_env_json;

-- Undo groups (a multi-pair swap, a burst of nudges) as a column, no longer a prefix of the note.
ALTER TABLE corrections ADD COLUMN group_key TEXT;
UPDATE corrections SET group_key = substr(note, length('posebench-group:') + 1), note = NULL WHERE note LIKE 'posebench-group:%';

-- Persons scored with a warning (their image decoded with libjpeg warnings: "image damaged").
CREATE TABLE run_warnings (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (run_id, instance_id, kind)
) WITHOUT ROWID;

-- sha256 of files (models, prediction files) by file identity, so a 100 MB model is hashed once.
-- ctime too: a same-size rewrite with the mtime put back (touch -r) still moves the ctime.
CREATE TABLE file_digests (
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  ctime_ms REAL NOT NULL,
  inode TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (path, size, mtime_ms, ctime_ms, inode)
) WITHOUT ROWID;
`;

/**
 * Ground-truth review decisions (issue 15): what a reviewer said about a suspect of the review queue
 * (workbench/gt-review-queue.ts). Rows are never updated: the newest row of a suspect is its decision,
 * older ones are its history. `evidence_key` digests the person's effective annotation and the
 * predictors' current runs when decided, so a suspect whose GT or predictions changed since comes back.
 */
/**
 * A run's per-joint errors as one record of typed arrays instead of a row per (joint, person): nothing
 * queries them by row (every view and analysis recomputes from the stored predictions in
 * milliseconds), and at 150,000 persons the rows were 2.4 million inserts per scored run. They are
 * derived data: the old rows are dropped and every run is re-scored on its next evaluation.
 */
const runJointErrorsSchema = `
DROP TABLE joint_errors;
UPDATE runs SET errors_gt_revision = NULL;
CREATE TABLE run_joint_errors (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  -- float64 per person: the instance id of each row (dataset order at scoring time)
  instance_ids BLOB NOT NULL,
  -- float64 N×16: distance / head size (spec §2 step 5); NaN/Inf for a zero head box (a miss of unknown size)
  normalized_errors BLOB NOT NULL,
  -- uint8 N×16: 1 hit, 0 miss, 255 not evaluated (joint not visible in the ground truth)
  hits BLOB NOT NULL
);
`;

/**
 * Results evaluated on COCO-format keypoint datasets (issue 18), per annotation file: each kept as the
 * COCO results list it was read as (validated when imported), so the app shows the same numbers after
 * a restart without the original file. COCO datasets have no `datasets`/`instances` rows: their GT is
 * the annotation file itself.
 */
const cocoVariantsSchema = `
CREATE TABLE coco_variants (
  id INTEGER PRIMARY KEY,
  -- absolute path of the dataset's COCO annotation json
  annotation_file TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('predictions', 'model')),
  source_path TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  -- float64, per entry in file order: image_id, score, has_bbox, bbox x y w h, keypoints x y score ×K
  -- (pycocotools' loadRes input; store/coco-variants-repo.ts packs and unpacks it)
  results BLOB NOT NULL,
  detections INTEGER NOT NULL,
  -- whether pycocotools takes detection areas from boxes (the file's first entry has a bbox, coco.py:331)
  area_from_bbox INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (annotation_file, name)
);
`;

const reviewDecisionsSchema = `
CREATE TABLE gt_review_decisions (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  suspect_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('label_right', 'fixed', 'later')),
  gt_revision INTEGER NOT NULL,
  evidence_key TEXT NOT NULL,
  note TEXT,
  decided_at TEXT NOT NULL
);
CREATE INDEX gt_review_decisions_by_suspect ON gt_review_decisions(dataset_id, suspect_id, id);
`;

/**
 * A run's predictions also as ONE packed record (issue 13 scale), read instead of its rows: reading
 * 150,000 rows back cost about a second per run (engine open, every scoring). The rows stay the
 * truth (runs write them batch by batch and resume from them); the record is a copy, written when a
 * run is stored whole or finishes, and deleted by the triggers below on any change to the run's rows,
 * whoever makes it (a resumed run, another process, plain SQL). Readers fall back to the rows when it
 * is missing. Same layout as group_concat over the rows, so SQL can build it: existing finished runs
 * are packed here.
 */
const packedPredictionsSchema = `
CREATE TABLE run_predictions_packed (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  row_count INTEGER NOT NULL,
  -- the rows' instance ids, comma-separated, in the order of xy_score
  instance_ids TEXT NOT NULL,
  -- the rows' xy_score blobs concatenated: float32 row_count×16×3
  xy_score BLOB NOT NULL
);
CREATE TRIGGER predictions_insert_unpacks AFTER INSERT ON predictions
  WHEN EXISTS (SELECT 1 FROM run_predictions_packed WHERE run_id = NEW.run_id)
  BEGIN DELETE FROM run_predictions_packed WHERE run_id = NEW.run_id; END;
CREATE TRIGGER predictions_update_unpacks AFTER UPDATE ON predictions
  BEGIN DELETE FROM run_predictions_packed WHERE run_id IN (OLD.run_id, NEW.run_id); END;
CREATE TRIGGER predictions_delete_unpacks AFTER DELETE ON predictions
  WHEN EXISTS (SELECT 1 FROM run_predictions_packed WHERE run_id = OLD.run_id)
  BEGIN DELETE FROM run_predictions_packed WHERE run_id = OLD.run_id; END;
INSERT INTO run_predictions_packed (run_id, row_count, instance_ids, xy_score)
  SELECT run_id, COUNT(*), group_concat(instance_id), CAST(group_concat(xy_score, '') AS BLOB)
  FROM predictions WHERE run_id IN (SELECT id FROM runs WHERE status = 'done')
  GROUP BY run_id HAVING MIN(length(xy_score)) = 192 AND MAX(length(xy_score)) = 192;
`;

/**
 * Ground-truth corrections on COCO keypoint datasets (issue 18; store/coco-corrections-repo.ts): one
 * row per edit with the annotation's keypoints and box before and after; undo and redo flip `undone`.
 */
const cocoCorrectionsSchema = `
CREATE TABLE coco_corrections (
  -- never reused (a replaced burst row gets a new id, which is how other processes see the change)
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- absolute path of the dataset's COCO annotation json
  annotation_file TEXT NOT NULL,
  annotation_id INTEGER NOT NULL,
  -- json {keypoints: [x, y, v ×K], bbox: [x, y, w, h]} before and after the edit
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  -- edits of one gesture share a burst id and fold into one row (one undo step)
  burst TEXT,
  undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
  created_at TEXT NOT NULL
);
CREATE INDEX coco_corrections_by_file ON coco_corrections(annotation_file, id);
`;

/**
 * Review decisions on COCO keypoint datasets (issues 15 and 18), per annotation file, append-only like
 * gt_review_decisions: the newest row of a suspect is its decision. evidence_key digests what it was
 * judged on (the person's effective annotation and the variants' results), so a decision lapses when
 * either changes.
 */
const cocoReviewDecisionsSchema = `
CREATE TABLE coco_review_decisions (
  id INTEGER PRIMARY KEY,
  annotation_file TEXT NOT NULL,
  suspect_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('label_right', 'later')),
  evidence_key TEXT NOT NULL,
  decided_at TEXT NOT NULL
);
CREATE INDEX coco_review_decisions_by_suspect ON coco_review_decisions(annotation_file, suspect_id, id);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: (db) => db.exec(initialSchema) },
  { version: 2, name: 'run identity, manifests, latency history, variant options', up: (db) => db.exec(runIdentitySchema) },
  { version: 3, name: 'ground-truth review decisions', up: (db) => db.exec(reviewDecisionsSchema) },
  { version: 4, name: 'per-joint errors as one record per run', up: (db) => db.exec(runJointErrorsSchema) },
  { version: 5, name: 'results on COCO keypoint datasets', up: (db) => db.exec(cocoVariantsSchema) },
  {
    version: 6,
    name: "a run's predictions as one packed record",
    up: (db) => {
      // group_concat hands blobs over as text in the database encoding: byte for byte only in UTF-8.
      db.exec(
        db.pragma('encoding', { simple: true }) === 'UTF-8'
          ? packedPredictionsSchema
          : packedPredictionsSchema.slice(0, packedPredictionsSchema.indexOf('INSERT INTO run_predictions_packed')),
      );
    },
  },
  { version: 7, name: 'ground-truth corrections on COCO keypoint datasets', up: (db) => db.exec(cocoCorrectionsSchema) },
  { version: 8, name: 'review decisions on COCO keypoint datasets', up: (db) => db.exec(cocoReviewDecisionsSchema) },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the pending migrations, each in one transaction with its `user_version` bump (the pragma is
 * transactional: it writes the database header inside the same transaction). Returns the versions applied.
 */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new Error(
      `${file}: workspace schema version ${current} is newer than this posebench understands (${latest}); ` +
        'open it with a newer posebench, or use --db to start a separate workspace',
    );
  }
  const applied: number[] = [];
  for (const migration of migrations.slice(current)) {
    if (migration.version !== applied.length + current + 1) {
      throw new Error(`migration list out of order at "${migration.name}" (version ${migration.version})`);
    }
    // Re-checked under the write lock: another process may have migrated the file meanwhile.
    const ran = db
      .transaction(() => {
        if (schemaVersion(db) >= migration.version) return false;
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
        return true;
      })
      .immediate();
    if (ran) applied.push(migration.version);
  }
  return applied;
}
