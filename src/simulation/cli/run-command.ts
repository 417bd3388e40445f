import { ZodError } from 'zod';

import { MigrationError } from '../../db/migrations';
import { SimulationError } from '../engine/child';
import { HhsDataError } from '../hhs/series';
import { UsageError } from './specs';

/** Runs a command: errors of use and of data print their message alone (exit 2); anything else its stack (exit 1). */
export function runCommand(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const known = [UsageError, HhsDataError, SimulationError, MigrationError, ZodError].some((kind) => err instanceof kind);
    process.stderr.write(`\n${known ? (err as Error).message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = known ? 2 : 1;
  });
}
