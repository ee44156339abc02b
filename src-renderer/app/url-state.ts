/**
 * View state in the URL (issue 14): `#<view>?protocol=…&…` so a reload, back/forward and a copied
 * link restore it. The hash is the route; the query after `?` carries the view's selections:
 *
 *   protocol             PCKh protocol (every view)
 *   ci, ec               Metrics: bootstrap intervals, error classes shown
 *   fj, fv, fc, open     Failures: joint, variant, error class, open instance
 *   bv, bj, bo, bc, open Browse: overlay variant, joint, outcome, error class, open instance
 *   cv, cj, cr           Compare: variants (comma-separated), joint, filter
 *   ai, aj               Annotate: instance, selected joint
 *   am, rk, rd           Annotate: mode (review), review kind filter, decided suspects listed
 *
 * The page's own query string (the web host's token) is left as it is. A change of view or of the
 * open instance is a new history entry (back goes to it); other selections replace the current one.
 */
import { ERROR_CLASSES, PCKH_PROTOCOLS, REVIEW_SUSPECT_KINDS, type ErrorClassName, type ReviewSuspectKind } from '../../src-main/api/contract.ts';
import type { PckhProtocol } from '../../src-main/core/types.ts';

export const VIEW_NAMES = ['metrics', 'failures', 'browse', 'compare', 'runs', 'annotate'] as const;
export type RouteView = (typeof VIEW_NAMES)[number];
export const OUTCOMES = ['all', 'hit', 'miss'] as const;
export const RELATIONS = ['a-hit-b-miss', 'a-miss-b-hit', 'both-miss', 'both-hit'] as const;

export interface RouteState {
  view: RouteView;
  protocol?: PckhProtocol;
  failures?: { joint?: number; variantId?: string; errorClass?: ErrorClassName | null };
  metrics?: { intervals?: boolean; errorClasses?: boolean };
  browse?: { variantId?: string | null; joint?: number | null; outcome?: (typeof OUTCOMES)[number]; errorClass?: ErrorClassName | null };
  compare?: { variantIds?: string[]; joint?: number; relation?: (typeof RELATIONS)[number] };
  annotate?: { instance?: number; joint?: number | null; review?: boolean; reviewKind?: ReviewSuspectKind | null; showDecided?: boolean };
  /** Instance open in the Failures / Browse pane. */
  open?: number;
}

const JOINTS = 16;

function intIn(text: string | null, max: number): number | undefined {
  if (text === null || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value < max ? value : undefined;
}

/** The state a hash names; fields it does not name (or names wrongly) are left out. */
export function parseRoute(hash: string): RouteState {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const [path = '', query = ''] = text.split('?', 2);
  const view = VIEW_NAMES.find((v) => v === path) ?? 'metrics';
  const params = new URLSearchParams(query);
  const route: RouteState = { view };
  const protocol = PCKH_PROTOCOLS.find((p) => p === params.get('protocol'));
  if (protocol !== undefined) route.protocol = protocol;
  const open = intIn(params.get('open'), Number.MAX_SAFE_INTEGER);
  if (view === 'metrics' && (params.get('ci') === '1' || params.get('ec') === '1')) {
    route.metrics = {};
    if (params.get('ci') === '1') route.metrics.intervals = true;
    if (params.get('ec') === '1') route.metrics.errorClasses = true;
  } else if (view === 'failures') {
    route.failures = {};
    const joint = intIn(params.get('fj'), JOINTS);
    if (joint !== undefined) route.failures.joint = joint;
    const variant = params.get('fv');
    if (variant) route.failures.variantId = variant;
    const errorClass = ERROR_CLASSES.find((c) => c === params.get('fc'));
    if (errorClass !== undefined) route.failures.errorClass = errorClass;
    if (open !== undefined) route.open = open;
  } else if (view === 'browse') {
    route.browse = {};
    if (params.has('bv')) route.browse.variantId = params.get('bv') || null;
    if (params.has('bj')) route.browse.joint = intIn(params.get('bj'), JOINTS) ?? null;
    const outcome = OUTCOMES.find((o) => o === params.get('bo'));
    if (outcome !== undefined) route.browse.outcome = outcome;
    const browseClass = ERROR_CLASSES.find((c) => c === params.get('bc'));
    if (browseClass !== undefined) route.browse.errorClass = browseClass;
    if (open !== undefined) route.open = open;
  } else if (view === 'compare') {
    route.compare = {};
    const ids = (params.get('cv') ?? '').split(',').filter((id) => id !== '');
    if (ids.length > 0) route.compare.variantIds = ids.slice(0, 4);
    const joint = intIn(params.get('cj'), JOINTS);
    if (joint !== undefined) route.compare.joint = joint;
    const relation = RELATIONS.find((r) => r === params.get('cr'));
    if (relation !== undefined) route.compare.relation = relation;
  } else if (view === 'annotate') {
    route.annotate = {};
    const instance = intIn(params.get('ai'), Number.MAX_SAFE_INTEGER);
    if (instance !== undefined) route.annotate.instance = instance;
    if (params.has('aj')) route.annotate.joint = intIn(params.get('aj'), JOINTS) ?? null;
    if (params.get('am') === 'review') route.annotate.review = true;
    const kind = REVIEW_SUSPECT_KINDS.find((k) => k === params.get('rk'));
    if (kind !== undefined) route.annotate.reviewKind = kind;
    if (params.get('rd') === '1') route.annotate.showDecided = true;
  }
  return route;
}

/** The hash for a state (`#view?…`); only the current view's selections are written. */
export function formatRoute(route: RouteState): string {
  const params = new URLSearchParams();
  if (route.protocol !== undefined) params.set('protocol', route.protocol);
  if (route.view === 'metrics' && route.metrics) {
    if (route.metrics.intervals === true) params.set('ci', '1');
    if (route.metrics.errorClasses === true) params.set('ec', '1');
  } else if (route.view === 'failures' && route.failures) {
    if (route.failures.joint !== undefined) params.set('fj', String(route.failures.joint));
    if (route.failures.variantId) params.set('fv', route.failures.variantId);
    if (route.failures.errorClass) params.set('fc', route.failures.errorClass);
  } else if (route.view === 'browse' && route.browse) {
    if (route.browse.variantId) params.set('bv', route.browse.variantId);
    if (route.browse.joint !== undefined && route.browse.joint !== null) params.set('bj', String(route.browse.joint));
    if (route.browse.outcome !== undefined && route.browse.outcome !== 'all') params.set('bo', route.browse.outcome);
    if (route.browse.errorClass) params.set('bc', route.browse.errorClass);
  } else if (route.view === 'compare' && route.compare) {
    if (route.compare.variantIds && route.compare.variantIds.length > 0) params.set('cv', route.compare.variantIds.join(','));
    if (route.compare.joint !== undefined) params.set('cj', String(route.compare.joint));
    if (route.compare.relation !== undefined) params.set('cr', route.compare.relation);
  } else if (route.view === 'annotate' && route.annotate) {
    if (route.annotate.instance !== undefined) params.set('ai', String(route.annotate.instance));
    if (route.annotate.joint !== undefined && route.annotate.joint !== null) params.set('aj', String(route.annotate.joint));
    if (route.annotate.review === true) {
      params.set('am', 'review');
      if (route.annotate.reviewKind) params.set('rk', route.annotate.reviewKind);
      if (route.annotate.showDecided === true) params.set('rd', '1');
    }
  }
  if ((route.view === 'failures' || route.view === 'browse') && route.open !== undefined) params.set('open', String(route.open));
  const query = params.toString();
  return `#${route.view}${query === '' ? '' : `?${query}`}`;
}
