CREATE TABLE "case_tracking_tokens" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"generation" integer NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "case_tracking_tokens" ADD CONSTRAINT "case_tracking_tokens_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "case_tracking_tokens_hash_uq" ON "case_tracking_tokens" USING btree ("token_hash");