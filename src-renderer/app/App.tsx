import { lazy, Suspense, useEffect, useState } from 'react';
import { useApi, useEngineInvalidation } from '../bridge/queries.ts';
import { getBridge } from '../bridge/index.ts';
import { useUi, type ViewName } from './ui-store.ts';
import { useUrlSync } from './url-sync.ts';
import { useConnection } from '../bridge/connection.ts';
import { MetricsView } from '../metrics/MetricsView.tsx';
import { fmtDuration } from '../shared/format.ts';
import { PCKH_PROTOCOLS, type EventMap } from '../../src-main/api/contract.ts';
import { PROTOCOL_INFO } from '../shared/protocol-info.ts';
import { useCocoUi } from '../coco/coco-store.ts';

// Views other than the first are split out: the metrics view paints without waiting for them.
const FailuresView = lazy(async () => ({ default: (await import('../failures/FailuresView.tsx')).FailuresView }));
const BrowseView = lazy(async () => ({ default: (await import('../browse/BrowseView.tsx')).BrowseView }));
const CompareView = lazy(async () => ({ default: (await import('../compare/CompareView.tsx')).CompareView }));
const AnnotateView = lazy(async () => ({ default: (await import('../annotate/AnnotateView.tsx')).AnnotateView }));
const RunsView = lazy(async () => ({ default: (await import('../runs/RunsView.tsx')).RunsView }));
// COCO keypoint folders (issue 18) have their own views, on the same tabs.
const CocoMetricsView = lazy(async () => ({ default: (await import('../coco/CocoMetricsView.tsx')).CocoMetricsView }));
const CocoBrowseView = lazy(async () => ({ default: (await import('../coco/CocoBrowseView.tsx')).CocoBrowseView }));
const CocoImageView = lazy(async () => ({ default: (await import('../coco/CocoImageView.tsx')).CocoImageView }));
const CocoCompareView = lazy(async () => ({ default: (await import('../coco/CocoCompareView.tsx')).CocoCompareView }));
const CocoRunsView = lazy(async () => ({ default: (await import('../coco/CocoRunsView.tsx')).CocoRunsView }));

const TABS: readonly { view: ViewName; label: string }[] = [
  { view: 'metrics', label: 'Metrics' },
  { view: 'failures', label: 'Failures' },
  { view: 'browse', label: 'Browse' },
  { view: 'compare', label: 'Compare' },
  { view: 'annotate', label: 'Annotate' },
  { view: 'runs', label: 'Runs' },
];
/** On a COCO dataset: Annotate is the image view (GT edits, the review queue). */
const COCO_TABS: readonly { view: ViewName; label: string }[] = [
  { view: 'metrics', label: 'Metrics' },
  { view: 'failures', label: 'Failures' },
  { view: 'browse', label: 'Browse' },
  { view: 'compare', label: 'Compare' },
  { view: 'annotate', label: 'Image' },
  { view: 'runs', label: 'Runs' },
];

export function App() {
  useEngineInvalidation();
  useUrlSync();
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const protocol = useUi((s) => s.protocol);
  const setProtocol = useUi((s) => s.setProtocol);
  const workspace = useApi('workspace:get', {});
  const dataset = workspace.data?.dataset ?? null;
  const connection = useConnection((s) => s.state);
  const isCoco = dataset?.kind === 'coco';
  // the COCO views' selections name images and persons of one dataset: start afresh on another
  const datasetId = dataset?.id ?? null;
  useEffect(() => {
    useCocoUi.getState().reset();
  }, [datasetId]);
  const tabs = isCoco ? COCO_TABS : TABS;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          pose<span>bench</span>
        </div>
        <nav className="tabs" role="tablist" aria-label="Views">
          {tabs.map((tab) => (
            <button key={tab.view} role="tab" aria-selected={view === tab.view} onClick={() => setView(tab.view)}>
              {tab.label}
            </button>
          ))}
        </nav>
        <div className="dataset-info" title={dataset?.root}>
          {dataset ? (
            <>
              <strong>{dataset.name}</strong>
              {dataset.isDemo ? ' (demo)' : ''} ·{' '}
              {dataset.coco
                ? `COCO ${dataset.coco.category}, ${dataset.coco.keypoints.length} keypoints · ${dataset.personCount} annotations · ${dataset.imageCount} images`
                : `${dataset.personCount} persons · ${dataset.imageCount} images · GT revision ${dataset.gtRevision}`}
              {dataset.correctedInstanceCount > 0 ? ` (${dataset.correctedInstanceCount} corrected)` : ''}
            </>
          ) : workspace.isLoading ? (
            'opening workspace…'
          ) : (
            'no dataset open'
          )}
        </div>
        {isCoco ? (
          <span className="protocol-select" title="OKS as pycocotools computes it, with the category's sigmas">
            OKS
          </span>
        ) : (
          <label className="protocol-select" title={PROTOCOL_INFO[protocol].details}>
            PCKh
            <select
              aria-label="PCKh protocol"
              value={protocol}
              onChange={(event) => setProtocol(PCKH_PROTOCOLS.find((p) => p === event.target.value) ?? protocol)}
            >
              {PCKH_PROTOCOLS.map((p) => (
                <option key={p} value={p} title={PROTOCOL_INFO[p].source}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        )}
      </header>
      {connection === 'lost' ? (
        <div className="connection-lost" role="alert">
          The posebench server stopped: restart it (<code>npx posebench serve</code>) and open the URL it prints. Retrying in the background…
        </div>
      ) : null}
      <main className="main" role="tabpanel" aria-label={tabs.find((t) => t.view === view)?.label} style={{ minHeight: 0, overflow: 'hidden' }}>
        {workspace.error ? (
          <div className="view">
            <div className="error-box">{workspace.error.message}</div>
          </div>
        ) : null}
        <Suspense fallback={<div className="empty">Loading…</div>}>
          {isCoco ? (
            <>
              {view === 'metrics' && <CocoMetricsView />}
              {view === 'failures' && <CocoBrowseView title="Failures" />}
              {view === 'browse' && <CocoBrowseView title="Browse" />}
              {view === 'compare' && <CocoCompareView />}
              {view === 'annotate' && <CocoImageView />}
              {view === 'runs' && <CocoRunsView />}
            </>
          ) : (
            <>
              {view === 'metrics' && <MetricsView />}
              {view === 'failures' && <FailuresView />}
              {view === 'browse' && <BrowseView />}
              {view === 'compare' && <CompareView />}
              {view === 'annotate' && <AnnotateView />}
              {view === 'runs' && <RunsView />}
            </>
          )}
        </Suspense>
      </main>
      <StatusBar warningCount={dataset?.warningCount ?? 0} warnings={dataset?.warnings ?? []} />
    </div>
  );
}

function StatusBar({ warningCount, warnings }: { warningCount: number; warnings: readonly string[] }) {
  const [progress, setProgress] = useState<EventMap['run:progress'] | null>(null);
  useEffect(() => {
    const bridge = getBridge();
    // a run that ends without run:finished (COCO model runs) is done when its last person is
    const offProgress = bridge.on('run:progress', (p) => setProgress(p.done >= p.total ? null : p));
    const offFinished = bridge.on('run:finished', () => setProgress(null));
    return () => {
      offProgress();
      offFinished();
    };
  }, []);
  return (
    <footer className="statusbar" aria-label="Status">
      <span>{getBridge().kind === 'electron' ? 'desktop' : 'web'}</span>
      {warningCount > 0 ? (
        <details className="warnings">
          <summary>
            {warningCount} dataset warning{warningCount === 1 ? '' : 's'}
          </summary>
          <ul>
            {warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
            {warningCount > warnings.length ? <li>… and {warningCount - warnings.length} more</li> : null}
          </ul>
        </details>
      ) : null}
      {progress ? (
        <span>
          run: {progress.done}/{progress.total} · {progress.instancesPerSecond.toFixed(1)} inst/s · ETA {fmtDuration(progress.etaSeconds)}
        </span>
      ) : null}
    </footer>
  );
}
