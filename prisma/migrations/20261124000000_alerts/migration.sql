-- Alerts, their event stream, webhook dead letters, and versioned targets.
CREATE TABLE "alerts" (
    "id" TEXT NOT NULL,
    "case_id" TEXT NOT NULL,
    "care_provider_id" TEXT NOT NULL,
    "sponsor_category" TEXT,
    "rule" TEXT NOT NULL,
    "chain" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "repeat" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "fired_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by_id" TEXT,
    "acknowledged_by_role" TEXT,
    "ack_note" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "alerts_resolved_at_level_idx" ON "alerts"("resolved_at", "level");
CREATE INDEX "alerts_care_provider_id_resolved_at_idx" ON "alerts"("care_provider_id", "resolved_at");
CREATE INDEX "alerts_case_id_idx" ON "alerts"("case_id");

CREATE TABLE "alert_events" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "alert_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "alert_events_alert_id_type_key" ON "alert_events"("alert_id", "type");
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "webhook_dead_letters" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "last_error" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "webhook_dead_letters_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_dead_letters_alert_id_key" ON "webhook_dead_letters"("alert_id");

CREATE TABLE "target_sets" (
    "version" INTEGER NOT NULL,
    "targets" JSONB NOT NULL,
    "actor_id" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "target_sets_pkey" PRIMARY KEY ("version")
);
