-- Read-model writes the database refused for good (a value it cannot store), kept once each.
CREATE TABLE "read_model_dead_letters" (
    "id" BIGSERIAL NOT NULL,
    "case_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "source_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sql_state" TEXT,
    "error" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "read_model_dead_letters_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "read_model_dead_letters_case_id_source_key_key" ON "read_model_dead_letters"("case_id", "source_key");
