-- The audit trail: append-only, hash-chained per case.
CREATE TABLE "audit_entries" (
    "case_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "source_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT,
    "request_id" TEXT,
    "detail" TEXT,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("case_id", "seq")
);
CREATE UNIQUE INDEX "audit_entries_case_id_source_key_key" ON "audit_entries"("case_id", "source_key");

-- Append-only: rows are never changed or removed through SQL.
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_entries_append_only
  BEFORE UPDATE OR DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
