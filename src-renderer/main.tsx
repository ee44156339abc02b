import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './app/App.tsx';
import { NoTokenPage } from './app/NoTokenPage.tsx';
import { readLaunchToken } from './bridge/web-transport.ts';
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
// In a browser without the token `posebench serve` printed nothing would answer: one page says so.
const withoutToken = window.posebench === undefined && readLaunchToken() === '';
createRoot(container).render(
  <StrictMode>
    {withoutToken ? (
      <NoTokenPage />
    ) : (
      <QueryClientProvider client={createQueryClient()}>
        <App />
      </QueryClientProvider>
    )}
  </StrictMode>,
);
