import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './app/App.tsx';
import { createQueryClient } from './bridge/queries.ts';
import { perfMark } from './shared/perf.ts';
import './app/styles.css';

// Long tasks (> 50 ms) go to window.__posebenchPerf for the "no long task during a run" benchmark.
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) perfMark('longtask', entry.duration);
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // longtask entries are not supported here
}

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
