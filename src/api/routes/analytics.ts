import type { FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import {
  AnalyticsFilterSchema,
  CategoryOneSchema,
  CohortsSchema,
  FlowSchema,
  LengthOfStaySchema,
  RiskSchema,
  StageDaysSchema,
} from '../../contracts/analytics';
import type { AnalyticsService } from '../../services/analytics-service';
import { principalOf } from '../auth';
import { ErrorSchema } from '../schemas';

const PeriodQuerySchema = AnalyticsFilterSchema.partial({ from: true, to: true });
const NowQuerySchema = AnalyticsFilterSchema.omit({ from: true, to: true });

const DEFINITIONS =
  'Definitions: docs/outcomes.md. A scoped caller (case manager, supervisor with a care provider) sees their own care provider only.';

const figure = (summary: string, description: string, response: z.ZodType) =>
  ({
    summary,
    description: `${description} ${DEFINITIONS}`,
    tags: ['analytics'],
    querystring: PeriodQuerySchema,
    response: { 200: response, 400: ErrorSchema, 403: ErrorSchema },
  }) satisfies FastifySchema;

const lengthOfStay = figure(
  'Length of stay of discharged children',
  'Children discharged in the period (released, aged out, departed): mean, median and 90th percentile days from admission to discharge, overall, by sponsor category and by exit.',
  LengthOfStaySchema,
);
const categoryOne = figure(
  'Category 1 against its targets',
  'Category 1 children released in the period: the share released within 10 days and the mean against 7 days; and those still in care at the period end (or now), with their days so far.',
  CategoryOneSchema,
);
const stages = figure(
  'Where the days go',
  'Days in each stage per sponsor category: visits that ended in the period (a stage re-entered after a remand or a withdrawal counts each visit), and visits still running at the period end.',
  StageDaysSchema,
);
const cohorts = figure(
  'Weekly admission cohorts',
  'Children admitted in the period, by the Monday of their admission week (UTC): how many, how many discharged since, and their days to discharge.',
  CohortsSchema,
);
const flow = figure(
  'Flow of children per day',
  "Per day: children in care at the day's end, admissions, discharges, transfers in and out (with a care provider), and discharges per 100 children in care as the day began, with ORR's signal (alert at or below 2.0, warn at or below 2.4).",
  FlowSchema,
);
const risk = {
  summary: 'Open cases at risk and breached',
  description: `Every case not closed, by stage and care provider, as of now: how many, how many at risk (a warning has fallen due) and breached (a deadline missed). ${DEFINITIONS}`,
  tags: ['analytics'],
  querystring: NowQuerySchema,
  response: { 200: RiskSchema, 400: ErrorSchema, 403: ErrorSchema },
} satisfies FastifySchema;
const lengthOfStayCsv = {
  summary: 'Length-of-stay report (CSV)',
  description: `The length-of-stay and Category 1 figures as CSV, one row per figure, with the same filters: for the monthly report a program office sends on. ${DEFINITIONS}`,
  tags: ['analytics'],
  querystring: PeriodQuerySchema,
  // The report is CSV; its errors are JSON, as every other answer's.
  produces: ['text/csv', 'application/json'],
  response: { 200: z.string().describe('text/csv'), 400: ErrorSchema, 403: ErrorSchema },
} satisfies FastifySchema;

/** The outcome figures over HTTP: each route hands the verified caller and the filters to the analytics service. */
export const analyticsRoutes: FastifyPluginAsyncZod<{ analytics: AnalyticsService }> = async (app, { analytics }) => {
  app.get('/analytics/length-of-stay', { schema: lengthOfStay }, async (request) =>
    analytics.lengthOfStay(principalOf(request), request.query),
  );
  app.get('/analytics/category-1', { schema: categoryOne }, async (request) => analytics.categoryOne(principalOf(request), request.query));
  app.get('/analytics/stages', { schema: stages }, async (request) => analytics.stageDays(principalOf(request), request.query));
  app.get('/analytics/cohorts', { schema: cohorts }, async (request) => analytics.cohorts(principalOf(request), request.query));
  app.get('/analytics/flow', { schema: flow }, async (request) => analytics.flow(principalOf(request), request.query));
  app.get('/analytics/risk', { schema: risk }, async (request) => analytics.risk(principalOf(request), request.query));
  app.get('/reports/length-of-stay.csv', { schema: lengthOfStayCsv }, async (request, reply) => {
    const { csv, filename } = await analytics.lengthOfStayCsv(principalOf(request), request.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
  });
};
