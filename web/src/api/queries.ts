import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import { z } from 'zod';

import type { AlertLevel } from '../../../src/contracts/alerts';
import type { CategoryGroup } from '../../../src/contracts/analytics';
import { AuditTrailSchema } from '../../../src/contracts/audit-trail';
import type { SponsorCategorySchema } from '../../../src/contracts/case-events';
import type { CaseStatus } from '../../../src/contracts/case-status';
import { CaseDetailSchema, CaseMoveSchema } from '../../../src/contracts/case-view';
import type { CaseDetail } from '../../../src/contracts/case-view';
import type { DeadlineLevel } from '../../../src/contracts/deadlines';
import { AlertListSchema, AlertViewSchema, CaseListSchema } from '../../../src/contracts/read-model';
import type { CaseSort } from '../../../src/contracts/read-model';
import { AuthConfigSchema } from '../../../src/contracts/session';
import { VersionedTargetsSchema } from '../../../src/contracts/targets';
import { queryString } from '../lib/query-string';
import { apiJson } from './client';

/** Every read of the API the pages make, as TanStack Query hooks over the shared contracts. */

export interface CaseFilter {
  status?: CaseStatus;
  careProviderId?: string;
  category?: CategoryGroup;
  assigneeId?: string;
  level?: DeadlineLevel;
  /** Part of the case id. */
  q?: string;
  sort?: CaseSort;
}

export const PAGE_SIZE = 25;

export function useCaseList(filter: CaseFilter, after: string | null, limit = PAGE_SIZE) {
  return useQuery({
    queryKey: ['cases', filter, after, limit],
    queryFn: ({ signal }) => apiJson(CaseListSchema, `/cases${queryString({ ...filter, limit, after })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useCase(caseId: string) {
  return useQuery({
    queryKey: ['case', caseId],
    queryFn: ({ signal }) => apiJson(CaseDetailSchema, `/cases/${encodeURIComponent(caseId)}`, { signal }),
  });
}

export function useAudit(caseId: string) {
  return useQuery({
    queryKey: ['audit', caseId],
    queryFn: ({ signal }) => apiJson(AuditTrailSchema, `/cases/${encodeURIComponent(caseId)}/audit`, { signal }),
  });
}

export interface AlertFilter {
  open?: boolean;
  level?: AlertLevel;
  careProviderId?: string;
  category?: z.infer<typeof SponsorCategorySchema>;
}

export function useAlertList(filter: AlertFilter, enabled = true) {
  return useQuery({
    queryKey: ['alerts', filter],
    queryFn: ({ signal }) => apiJson(AlertListSchema, `/alerts${queryString({ ...filter, limit: 200 })}`, { signal }),
    enabled,
  });
}

export function useTargets() {
  return useQuery({
    queryKey: ['targets'],
    queryFn: ({ signal }) => apiJson(VersionedTargetsSchema, '/targets', { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useAuthConfig() {
  return useQuery({
    queryKey: ['auth-config'],
    queryFn: ({ signal }) => apiJson(AuthConfigSchema, '/auth/config', { signal }),
    staleTime: Infinity,
  });
}

const OpenApiSchema = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

/**
 * The routes this server has, from its own OpenAPI document: "POST /cases/:id/events". Pages ask it
 * before offering an action whose route may not exist on this server yet.
 */
export function useApiRoutes() {
  return useQuery({
    queryKey: ['api-routes'],
    queryFn: async ({ signal }) => {
      const doc = await apiJson(OpenApiSchema, '/docs/json', { signal });
      const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      return new Set(routes);
    },
    staleTime: Infinity,
  });
}

/** Whether the server has a route: undefined while its OpenAPI document loads. */
export function useHasRoute(route: string): boolean | undefined {
  const routes = useApiRoutes();
  return routes.data?.has(route);
}

/** A case event (or an ORR decision, which the API takes at its own route); the case and lists refresh after. */
export function useSendEvent(caseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Record<string, unknown>) => {
      const id = encodeURIComponent(caseId);
      if (body.type === 'DECIDE_RELEASE') {
        return apiJson(DecisionAnswerSchema, `/cases/${id}/decision`, { method: 'POST', body });
      }
      const move = await apiJson(CaseMoveSchema, `/cases/${id}/events`, { method: 'POST', body });
      // The answer is the move, not the view: the page shows its status and allowed events at once,
      // the rest comes with the refetch below.
      const { status, closed, allowedEvents, checks, transition } = move;
      client.setQueryData<CaseDetail>(['case', caseId], (old) =>
        old ? { ...old, status, closed, allowedEvents, checks, transitions: [...old.transitions, transition] } : old,
      );
      return { applied: true as boolean | null, message: `Done: the case is now in ${move.status}.` };
    },
    // Not awaited: the caller's own callbacks run first, before a refreshed list unmounts the row that sent it.
    onSettled: () => {
      void Promise.all(['case', 'audit', 'cases', 'alerts'].map((key) => client.invalidateQueries({ queryKey: [key] })));
    },
  });
}

const DecisionAnswerSchema = z.object({ applied: z.boolean().nullable(), message: z.string() });

export function useAcknowledge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (alertId: string) => apiJson(AlertViewSchema, `/alerts/${encodeURIComponent(alertId)}/ack`, { method: 'POST', body: {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['case'] }),
  });
}
