CREATE TABLE "document_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"document_id" uuid NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"stage" text NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"duration_ms" integer,
	"worker_id" text,
	"error_code" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_receipts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"document_id" uuid NOT NULL,
	"source" text NOT NULL,
	"source_ref" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sha256" text NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"source" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"state" text DEFAULT 'received' NOT NULL,
	"state_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"error_code" text,
	"error_message" text,
	"page_count" integer,
	"document_type" text,
	"needs_review" boolean,
	"extraction" jsonb,
	"match_decision" jsonb,
	"review_reasons" text[],
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_sha256_unique" UNIQUE("sha256")
);
--> statement-breakpoint
CREATE TABLE "ehr_patients" (
	"mrn" text PRIMARY KEY NOT NULL,
	"first_name" text NOT NULL,
	"middle_name" text,
	"last_name" text NOT NULL,
	"dob" date,
	"sex" text,
	"phone" text,
	"address_line1" text,
	"city" text,
	"state" text,
	"postal_code" text,
	"member_id" text,
	"suffix" text,
	"last_name_key" text,
	"last_name_dm" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "match_reviewer_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"demographics_key" text NOT NULL,
	"mrn" text,
	"not_mrn" text,
	"new_patient" boolean DEFAULT false NOT NULL,
	"actor" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drop_files" (
	"folder_key" text NOT NULL,
	"sha256" text NOT NULL,
	"document_id" uuid,
	"outcome" text NOT NULL,
	"error_code" text,
	"size_bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "drop_files_folder_key_sha256_pk" PRIMARY KEY("folder_key","sha256")
);
--> statement-breakpoint
CREATE TABLE "imap_mailbox_state" (
	"mailbox_key" text PRIMARY KEY NOT NULL,
	"uid_validity" bigint NOT NULL,
	"last_uid" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imap_messages" (
	"mailbox_key" text NOT NULL,
	"message_key" text NOT NULL,
	"uid_validity" bigint NOT NULL,
	"uid" bigint NOT NULL,
	"status" text NOT NULL,
	"document_ids" uuid[] NOT NULL,
	"error_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "imap_messages_mailbox_key_message_key_pk" PRIMARY KEY("mailbox_key","message_key")
);
--> statement-breakpoint
CREATE TABLE "api_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_users_name_unique" UNIQUE("name"),
	CONSTRAINT "api_users_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "review_claims" (
	"document_id" uuid PRIMARY KEY NOT NULL,
	"user_name" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"document_id" uuid NOT NULL,
	"user_name" text NOT NULL,
	"outcome" text NOT NULL,
	"version" integer NOT NULL,
	"extractor" text,
	"corrections" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"patient" jsonb,
	"matcher_mrn" text,
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"resource" text NOT NULL,
	"outcome" text NOT NULL,
	"client_address" text,
	"details" jsonb,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fhir_outbox" (
	"document_id" uuid PRIMARY KEY NOT NULL,
	"bundle" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error_code" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "document_events" ADD CONSTRAINT "document_events_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_receipts" ADD CONSTRAINT "document_receipts_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_claims" ADD CONSTRAINT "review_claims_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fhir_outbox" ADD CONSTRAINT "fhir_outbox_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_events_document_idx" ON "document_events" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "document_receipts_document_idx" ON "document_receipts" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "documents_claim_idx" ON "documents" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "documents_state_changed_idx" ON "documents" USING btree ("state","state_changed_at");--> statement-breakpoint
CREATE INDEX "ehr_patients_dob_idx" ON "ehr_patients" USING btree ("dob");--> statement-breakpoint
CREATE INDEX "ehr_patients_last_name_idx" ON "ehr_patients" USING btree ("last_name");--> statement-breakpoint
CREATE INDEX "ehr_patients_dm_dob_idx" ON "ehr_patients" USING btree ("last_name_dm","dob");--> statement-breakpoint
CREATE INDEX "ehr_patients_phone_idx" ON "ehr_patients" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "ehr_patients_member_id_idx" ON "ehr_patients" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "match_reviewer_decisions_key_idx" ON "match_reviewer_decisions" USING btree ("demographics_key");--> statement-breakpoint
CREATE INDEX "imap_messages_uid_idx" ON "imap_messages" USING btree ("mailbox_key","uid");--> statement-breakpoint
CREATE INDEX "review_decisions_document_idx" ON "review_decisions" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "audit_events_resource_idx" ON "audit_events" USING btree ("resource");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "fhir_outbox_due_idx" ON "fhir_outbox" USING btree ("state","next_attempt_at");