-- Issue 16: caseloads, deadlines at a glance, and what the analytics read.

-- The case row: who has the case, under which policy profile, when the child left care, and the
-- case's deadlines (the earliest due time and the earliest warning, so that the worst level at any
-- moment follows from the row). `revision` orders the writes of these fields, as `last_seq` orders
-- the transitions'.
ALTER TABLE "cases"
    ADD COLUMN "assignee_id" TEXT,
    ADD COLUMN "policy_profile" TEXT,
    ADD COLUMN "discharged_at" TIMESTAMPTZ(3),
    ADD COLUMN "next_deadline_at" TIMESTAMPTZ(3),
    ADD COLUMN "next_deadline_label" TEXT,
    ADD COLUMN "at_risk_at" TIMESTAMPTZ(3),
    ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "imported_at" TIMESTAMPTZ(3);

-- Which care provider held the child after each transition (transfers move children between them).
ALTER TABLE "case_transitions" ADD COLUMN "care_provider_id" TEXT;

-- Rows written before this migration. The opener was the first assignee; the child left care at
-- the first release, age-out or departure. Earlier transitions are attributed to the case's care
-- provider now: a transfer before this migration is not known to the analytics.
UPDATE "cases" c SET
    "assignee_id" = (SELECT t."actor_id" FROM "case_transitions" t
                      WHERE t."case_id" = c."id" AND t."seq" = 0 AND t."actor_role" = 'case_manager'),
    "discharged_at" = (SELECT min(t."occurred_at") FROM "case_transitions" t
                        WHERE t."case_id" = c."id" AND t."event" IN ('RELEASE_CHILD', 'AGE_OUT', 'DEPART'));
UPDATE "case_transitions" t SET "care_provider_id" = c."care_provider_id" FROM "cases" c WHERE c."id" = t."case_id";

-- Lists: by least time left, by assignee or care provider with least time left, by admission.
CREATE INDEX "cases_next_deadline_at_id_idx" ON "cases"("next_deadline_at", "id");
CREATE INDEX "cases_assignee_id_next_deadline_at_idx" ON "cases"("assignee_id", "next_deadline_at");
CREATE INDEX "cases_care_provider_id_next_deadline_at_idx" ON "cases"("care_provider_id", "next_deadline_at");
CREATE INDEX "cases_admitted_at_id_idx" ON "cases"("admitted_at", "id");
CREATE INDEX "cases_discharged_at_idx" ON "cases"("discharged_at");
-- Analytics: discharges and stage visits in a period.
CREATE INDEX "case_transitions_event_occurred_at_idx" ON "case_transitions"("event", "occurred_at");

-- The care provider holding a case's child at an instant: the one after the last transition up to
-- then, else the one that admitted the child (the opening counts from admission, even when the case
-- was opened in Reunify later).
CREATE FUNCTION care_provider_at(p_case_id TEXT, p_at TIMESTAMPTZ) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT t."care_provider_id" FROM "case_transitions" t
      WHERE t."case_id" = p_case_id AND t."seq" > 0 AND t."occurred_at" <= p_at ORDER BY t."seq" DESC LIMIT 1),
    (SELECT t."care_provider_id" FROM "case_transitions" t WHERE t."case_id" = p_case_id AND t."seq" = 0))
$$;
