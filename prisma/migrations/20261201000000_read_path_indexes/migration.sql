-- The read path (GET /cases, GET /alerts) a page at a time, whatever the number of rows.

-- GET /alerts is newest first, by keyset on (fired_at, id): every caller's list, and a scoped
-- caller's (one care provider's) without walking the others'.
CREATE INDEX "alerts_fired_at_id_idx" ON "alerts"("fired_at", "id");
CREATE INDEX "alerts_care_provider_id_fired_at_id_idx" ON "alerts"("care_provider_id", "fired_at", "id");

-- GET /cases by days in care: cases in care follow admission, discharged ones their stay
-- (src/db/case-list.ts reads each half in its index's order). Partial and expression indexes,
-- which schema.prisma cannot state.
CREATE INDEX "cases_in_care_admitted_at_id_idx" ON "cases"("admitted_at", "id") WHERE "discharged_at" IS NULL;
CREATE INDEX "cases_stay_id_idx" ON "cases"(("discharged_at" - "admitted_at"), "id") WHERE "discharged_at" IS NOT NULL;
