import { useMemo } from 'react';
import { useApi } from '../bridge/queries.ts';
import type { VariantSummary } from '../../src-main/api/contract.ts';

/** All variants and the evaluated ones, in workspace order (colours follow this order). */
export function useVariants(): { all: readonly VariantSummary[]; evaluated: readonly VariantSummary[]; order: readonly string[]; loading: boolean } {
  const query = useApi('variants:list', {});
  return useMemo(() => {
    const all = query.data ?? [];
    const evaluated = all.filter((v) => v.evaluated);
    return { all, evaluated, order: evaluated.map((v) => v.id), loading: query.isLoading };
  }, [query.data, query.isLoading]);
}
