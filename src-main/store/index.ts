/** The workspace store: one SQLite file per dataset folder (see workspace.ts and migrations.ts). */
export * from './workspace.ts';
export * from './workspace-path.ts';
export * from './migrations.ts';
export * from './datasets-repo.ts';
export * from './corrections-repo.ts';
export * from './variants-repo.ts';
export * from './runs-repo.ts';
export * from './predictions-repo.ts';
export * from './joint-errors-repo.ts';
export * from './metrics-repo.ts';
export * from './variant-results.ts';
