/**
 * The last module the worker preloads into its shared workflow context (src/worker/workflow-bundle.ts).
 *
 * The SDK deep-freezes every shared module's exports once they are loaded, so that no case can
 * change what another case sees. zod 4 cannot be frozen: a schema builds its members (bound
 * methods, derived internals, its memoised parse) on first use, onto itself, and a check resets its
 * pattern's `lastIndex` before each test. So the shared modules are frozen here first, everything
 * they export, deeply, as the SDK would, except zod schemas and regular expressions; the SDK leaves
 * an object already frozen as it is. What a schema builds on first use depends on the schema alone,
 * never on a case, so sharing one unfrozen changes nothing one case could see of another. A
 * pattern's only state is `lastIndex`, which carries from one use to the next only for a global or
 * sticky pattern: Reunify's shared modules may not export one (the worker fails to start).
 *
 * Shared, so never called from workflow code: `z.config()` (zod's config is frozen), a registry's
 * `clear()`, nor `.describe()`/`.meta()` at run time (they write to zod's one registry for the
 * whole worker, which keeps what it holds). A module-level constant a case spreads into its state
 * is the same object in every case now: never mutate one in place.
 */
declare const __webpack_modules__: Record<string, unknown> | undefined;

interface ModuleRecord {
  exports: unknown;
}
const moduleCache = (globalThis as { __webpack_module_cache__?: Record<string, ModuleRecord | undefined> }).__webpack_module_cache__;
if (typeof __webpack_modules__ !== 'object' || !moduleCache) {
  throw new Error('seal-shared-modules runs only as a preloaded module of a Temporal workflow bundle (src/worker/workflow-bundle.ts)');
}
let sealedOwn = 0;
for (const id of Object.keys(__webpack_modules__)) {
  const loaded = moduleCache[id];
  if (!loaded) continue;
  const ownModule = /(^|[\\/])src[\\/]/.test(id) && !id.includes('node_modules');
  freezeShared(loaded.exports, { ownModule, seen: new WeakSet() });
  if (ownModule) sealedOwn += 1;
}
// Reunify's modules not recognised by their ids would be left to the SDK's freeze, and every case's first parse would throw.
if (sealedOwn === 0)
  throw new Error("seal-shared-modules found none of Reunify's modules (src/...) among the shared ones: check webpack's module ids");

/** Object.freeze, deeply through objects' own properties (functions frozen, not entered), but for zod schemas and patterns. */
function freezeShared(value: unknown, walk: { ownModule: boolean; seen: WeakSet<object> }): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || walk.seen.has(value)) return;
  walk.seen.add(value);
  if (value instanceof RegExp) {
    if (walk.ownModule && (value.global || value.sticky)) {
      throw new Error(
        `A shared module exports ${String(value)}: a global or sticky pattern would carry lastIndex from one case to another`,
      );
    }
    return;
  }
  if (typeof value === 'object') {
    if (Object.prototype.hasOwnProperty.call(value, '_zod')) return;
    for (const key of Reflect.ownKeys(value)) freezeShared((value as Record<PropertyKey, unknown>)[key], walk);
  }
  try {
    Object.freeze(value);
  } catch {
    // As the SDK does: some objects cannot be frozen (a typed array with elements).
  }
}
