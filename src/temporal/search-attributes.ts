import type { Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';

import { CUSTOM_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { StartupError } from '../startup-error';

/** `temporalio.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD`. */
const KEYWORD = 2;
const ALREADY_EXISTS = 6;
const UNIMPLEMENTED = 12;

const grpcCode = (err: unknown): number | undefined => (err as { code?: number } | null)?.code;

/**
 * Makes sure the namespace knows the case's search attributes before a worker takes cases or an API
 * starts one: a workflow that sets an attribute its server does not know fails every workflow
 * task, so a case would stop moving, and a start that sets one fails. Registers the missing ones
 * where the server lets it (a dev server, a cluster whose operator API is reachable); otherwise
 * fails with the command that registers them.
 */
export async function ensureSearchAttributes(
  connection: Pick<NativeConnection, 'operatorService'> | Pick<Connection, 'operatorService'>,
  namespace: string,
): Promise<string[]> {
  const known = await connection.operatorService.listSearchAttributes({ namespace }).catch((err: unknown) => {
    // The time-skipping test server registers attributes but cannot list them.
    if (grpcCode(err) === UNIMPLEMENTED) return { customAttributes: {} };
    throw err;
  });
  const missing = CUSTOM_SEARCH_ATTRIBUTES.filter(({ name }) => !(name in (known.customAttributes ?? {})));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(({ name }) => [name, KEYWORD])),
    });
  } catch (err) {
    if (grpcCode(err) === ALREADY_EXISTS) return [];
    const create = missing.map(
      ({ name, type }) => `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${type}`,
    );
    throw new StartupError(
      `Namespace "${namespace}" lacks the search attributes cases keep (${missing.map((m) => m.name).join(', ')}), and registering them failed: ${(err as Error).message}. Register them once, then start Reunify again:\n  ${create.join('\n  ')}`,
      { cause: err },
    );
  }
  return missing.map(({ name }) => name);
}
