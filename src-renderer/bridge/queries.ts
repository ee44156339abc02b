/**
 * Server data through react-query: one hook per call, keyed by channel + request. Engine events
 * invalidate what they change.
 */
import { QueryClient, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Channel, RequestInput, Response } from '../../src-main/api/contract.ts';
import { getBridge } from './index.ts';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 60_000, refetchOnWindowFocus: false, retry: 1 },
    },
  });
}

export function useApi<C extends Channel>(
  channel: C,
  request: RequestInput<C>,
  options: Omit<UseQueryOptions<Response<C>, Error>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<Response<C>, Error>({
    queryKey: [channel, request],
    queryFn: () => getBridge().invoke(channel, request),
    ...options,
  });
}

/** Refetch everything derived from the workspace when the engine says it changed. */
export function useEngineInvalidation(): void {
  const client = useQueryClient();
  useEffect(() => {
    const bridge = getBridge();
    const offChanged = bridge.on('workspace:changed', () => void client.invalidateQueries());
    const offFinished = bridge.on('run:finished', () => void client.invalidateQueries());
    return () => {
      offChanged();
      offFinished();
    };
  }, [client]);
}
