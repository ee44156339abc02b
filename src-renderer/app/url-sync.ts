/**
 * Keeps the URL and the view state in step (url-state.ts): every change of the state rewrites the
 * hash (a new history entry when the view or the open instance changes), and back/forward or an
 * edited hash put the state the URL names back.
 */
import { useEffect } from 'react';
import { useAnnotate } from '../annotate/annotate-store.ts';
import { formatRoute, parseRoute, type RouteState } from './url-state.ts';
import { uiStateFromRoute, useUi } from './ui-store.ts';

function currentRoute(): RouteState {
  const ui = useUi.getState();
  const annotate = useAnnotate.getState();
  return {
    view: ui.view,
    protocol: ui.protocol,
    metrics: { intervals: ui.metrics.intervals, errorClasses: ui.metrics.errorClasses },
    failures: { joint: ui.failures.joint, ...(ui.failures.variantId ? { variantId: ui.failures.variantId } : {}), errorClass: ui.failures.errorClass },
    browse: { variantId: ui.browse.variantId, joint: ui.browse.joint, outcome: ui.browse.outcome, errorClass: ui.browse.errorClass },
    compare: { variantIds: ui.compare.variantIds, joint: ui.compare.joint, relation: ui.compare.relation },
    annotate: {
      instance: annotate.instanceIndex,
      joint: annotate.selectedJoint,
      review: annotate.mode === 'review',
      reviewKind: annotate.reviewKind,
      showDecided: annotate.showDecided,
    },
    ...(ui.openInstance ? { open: ui.openInstance.index } : {}),
  };
}

/** Applies the annotate part of the URL once at start (the store's defaults are not URL-aware). */
function applyAnnotate(route: RouteState): void {
  if (route.view === 'annotate') {
    useAnnotate.getState().setMode(route.annotate?.review === true ? 'review' : 'edit');
    useAnnotate.getState().setReview({ reviewKind: route.annotate?.reviewKind ?? null, showDecided: route.annotate?.showDecided === true });
  }
  if (route.annotate?.instance !== undefined) useAnnotate.getState().openInEditor(route.annotate.instance, route.annotate.joint ?? null);
  else if (route.annotate?.joint !== undefined) useAnnotate.getState().selectJoint(route.annotate.joint);
}

export function useUrlSync(): void {
  useEffect(() => {
    applyAnnotate(parseRoute(window.location.hash));
    let applying = false;
    let last = parseRoute(window.location.hash);
    const write = () => {
      if (applying) return;
      const route = currentRoute();
      const hash = formatRoute(route);
      if (hash === window.location.hash) return;
      const url = `${window.location.pathname}${window.location.search}${hash}`;
      const newEntry = route.view !== last.view || route.open !== last.open;
      if (newEntry) window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
      last = route;
    };
    const fromUrl = () => {
      const route = parseRoute(window.location.hash);
      applying = true;
      try {
        useUi.setState(uiStateFromRoute(route, useUi.getState()));
        applyAnnotate(route);
      } finally {
        applying = false;
      }
      last = route;
    };
    write();
    const offUi = useUi.subscribe(write);
    const offAnnotate = useAnnotate.subscribe(write);
    window.addEventListener('popstate', fromUrl);
    window.addEventListener('hashchange', fromUrl);
    return () => {
      offUi();
      offAnnotate();
      window.removeEventListener('popstate', fromUrl);
      window.removeEventListener('hashchange', fromUrl);
    };
  }, []);
}
