-- The audit trail is append-only: the database itself refuses UPDATE, DELETE and
-- TRUNCATE on audit_events (a superuser can still disable the trigger; the hash
-- chain and an external anchor of `intake audit head` expose that).
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

--> statement-breakpoint
-- Appends one audit event in a single round trip: takes the chain's advisory
-- lock, reads the previous hash and inserts the row with
-- hash = sha256(prev_hash || '\n' || body), body being the canonical encoding
-- computed by the caller (src/audit/chain.ts). Statements inside a volatile
-- plpgsql function take a fresh snapshot each, so the SELECT after the lock sees
-- the row committed by the previous holder: the chain cannot fork.
CREATE OR REPLACE FUNCTION audit_append(
  p_at timestamptz, p_actor text, p_action text, p_resource text, p_outcome text,
  p_client_address text, p_details jsonb, p_body text
) RETURNS void AS $$
DECLARE
  prev text;
BEGIN
  PERFORM pg_advisory_xact_lock(444465313);
  SELECT hash INTO prev FROM audit_events ORDER BY id DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  INSERT INTO audit_events (at, actor, action, resource, outcome, client_address, details, prev_hash, hash)
  VALUES (p_at, p_actor, p_action, p_resource, p_outcome, p_client_address, p_details, prev,
          encode(sha256(convert_to(prev || chr(10) || p_body, 'UTF8')), 'hex'));
END;
$$ LANGUAGE plpgsql VOLATILE;
