-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "cases" (
    "id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "care_provider_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "sponsor_category" TEXT,
    "admitted_at" TIMESTAMPTZ(3) NOT NULL,
    "released_at" TIMESTAMPTZ(3),
    "last_seq" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_transitions" (
    "case_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "reason" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "case_transitions_pkey" PRIMARY KEY ("case_id","seq")
);

-- CreateIndex
CREATE INDEX "cases_status_admitted_at_idx" ON "cases"("status", "admitted_at");

-- CreateIndex
CREATE INDEX "cases_care_provider_id_status_idx" ON "cases"("care_provider_id", "status");

-- AddForeignKey
ALTER TABLE "case_transitions" ADD CONSTRAINT "case_transitions_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

