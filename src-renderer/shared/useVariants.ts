import { useMemo } from 'react';
import { useApi } from '../bridge/queries.ts';
import type { VariantSummary } from '../../src-main/api/contract.ts';

/**
 * The variants of the open workspace. `all` includes hidden ones (only Runs lists those, so they can be
 * shown again); `visible` and `evaluated` leave them out, as the engine's tables and charts do, so the
 * pickers of Failures, Browse and Compare never offer a hidden variant and the colours (by position in
 * `order`) match the Metrics table's rows.
 */
export function useVariants(): {
  all: readonly VariantSummary[];
  visible: readonly VariantSummary[];
  evaluated: readonly VariantSummary[];
  order: readonly string[];
  loading: boolean;
} {
  const query = useApi('variants:list', {});
  return useMemo(() => {
    const all = query.data ?? [];
    const visible = all.filter((v) => !v.hidden);
    const evaluated = visible.filter((v) => v.evaluated);
    return { all, visible, evaluated, order: evaluated.map((v) => v.id), loading: query.isLoading };
  }, [query.data, query.isLoading]);
}
