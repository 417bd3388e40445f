import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { SimulationBodySchema, SimulationResponseSchema } from '../../contracts/simulations';
import type { PrismaClient } from '../../db/generated/client';
import { AppError } from '../../services/errors';
import type { Executor } from '../../simulation/engine/executor';
import { estimateChildren, simulate } from '../../simulation/engine/simulate';
import { fitFromDatabase } from '../../simulation/runtime/fit-db';
import { simulationCharts } from '../../simulation/runtime/outputs';
import { WorkerPool } from '../../simulation/runtime/worker-pool';
import { principalOf } from '../auth';
import { ErrorSchema } from '../schemas';

/**
 * POST /simulations: the what-if simulator for the outcomes page. The simulation runs on worker
 * threads, never on the API's event loop; a request is bounded before it starts (an estimate of the
 * children it would simulate) and while it runs (a deadline), and one runs at a time.
 */

export interface SimulationLimits {
  /** Children a request may simulate, calibration and every run included (estimated up front). */
  maxChildren: number;
  /** A simulation still running after this is stopped (503). */
  timeoutMs: number;
  /** Children in each calibration pilot. */
  calibrationChildren: number;
}

export const DEFAULT_SIMULATION_LIMITS: SimulationLimits = { maxChildren: 60_000, timeoutMs: 60_000, calibrationChildren: 2000 };

export interface SimulationRoutesOptions {
  prisma: PrismaClient;
  limits?: Partial<SimulationLimits>;
  /** Where jobs run (default: a worker pool per request, one thread per core). */
  executor?: () => Executor & { close(): Promise<void> };
}

function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void onTimeout();
      reject(
        new AppError(
          'simulation_timeout',
          `The simulation ran longer than ${ms / 1000} s and was stopped; ask for fewer runs, days or a smaller sample.`,
        ),
      );
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export const simulationRoutes: FastifyPluginAsyncZod<SimulationRoutesOptions> = async (app, options) => {
  const limits = { ...DEFAULT_SIMULATION_LIMITS, ...options.limits };
  const executorFor = options.executor ?? (() => new WorkerPool());
  let running = false;

  app.post(
    '/simulations',
    {
      schema: {
        summary: 'Run a what-if simulation of the release process',
        description:
          'Simulates the program over a period: every child through the case statechart and the deadline schedule the workflows use. With a `whatIf`, runs it against the base with the same seeds and reports the difference (beds freed, alerts, caseloads). ' +
          `Bounded: at most ${limits.maxChildren.toLocaleString('en-US')} simulated children (calibration and runs included; \`sample\` scales a large program down) and ${limits.timeoutMs / 1000} s; one simulation at a time.`,
        tags: ['simulations'],
        body: SimulationBodySchema,
        response: { 200: SimulationResponseSchema, 400: ErrorSchema, 401: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request, reply) => {
      principalOf(request);
      const { charts, fitFromDatabase: fit, ...body } = request.body;
      const estimate = estimateChildren(body, limits.calibrationChildren);
      if (estimate > limits.maxChildren) {
        throw new AppError(
          'simulation_too_large',
          `This request would simulate about ${estimate.toLocaleString('en-US')} children; the limit is ${limits.maxChildren.toLocaleString('en-US')}. Lower runs, days or sample (e.g. sample ${Math.max(0.01, Math.floor((100 * limits.maxChildren) / estimate) / 100)}).`,
          {
            issues: [
              { where: 'body', path: 'sample', message: `at most about ${limits.maxChildren.toLocaleString('en-US')} simulated children` },
            ],
          },
        );
      }
      if (running) {
        void reply.header('retry-after', '10');
        throw new AppError('simulator_busy', 'Another simulation is running; retry in a few seconds.');
      }
      running = true;
      const executor = executorFor();
      // A caller that hangs up (a client's timeout) waits for nothing: stop its run and free the simulator for the next.
      let hungUpOn = false;
      const hungUp = (): void => {
        if (reply.raw.writableFinished) return;
        hungUpOn = true;
        void executor.close();
      };
      reply.raw.once('close', hungUp);
      try {
        const fitted = fit ? await fitFromDatabase(options.prisma, 500_000) : undefined;
        const input = fitted ? { ...body, scenario: { ...body.scenario, durations: fitted.durations } } : body;
        const work = simulate(input, executor, { calibrationChildren: limits.calibrationChildren });
        work.catch(() => undefined); // after a timeout its rejection (the stopped pool) has no one waiting
        const result = await withDeadline(work, limits.timeoutMs, () => executor.close()).catch((err: unknown) => {
          if (!hungUpOn) throw err;
          request.log.info('simulation stopped: its caller hung up');
          throw new AppError('simulation_timeout', 'The caller hung up before the simulation finished; it was stopped.');
        });
        request.log.info({ children: result.work.children, events: result.work.machineEvents }, 'simulation done');
        return {
          ...result,
          ...(charts ? { charts: simulationCharts(result) } : {}),
          ...(fitted ? { fit: { cases: fitted.cases, samples: fitted.samples } } : {}),
        };
      } finally {
        reply.raw.off('close', hungUp);
        running = false;
        await executor.close();
      }
    },
  );
};
