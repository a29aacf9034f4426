CREATE TABLE "channel_callbacks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel_id" text NOT NULL,
	"case_id" uuid NOT NULL,
	"dedupe_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"payload" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	CONSTRAINT "channel_callbacks_status_check" CHECK ("channel_callbacks"."status" in ('pending','sent','failed'))
);
--> statement-breakpoint
CREATE TABLE "channel_nonces" (
	"channel_id" text NOT NULL,
	"nonce" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_nonces_channel_id_nonce_pk" PRIMARY KEY("channel_id","nonce")
);
--> statement-breakpoint
CREATE TABLE "channel_tickets" (
	"channel_id" text NOT NULL,
	"ticket_no" text NOT NULL,
	"case_id" uuid NOT NULL,
	"origin" text NOT NULL,
	"request_hash" text NOT NULL,
	"caller_name" text,
	"caller_phone" text,
	"tracking_token_hash" text,
	"urgent" boolean DEFAULT false NOT NULL,
	"received_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_tickets_channel_id_ticket_no_pk" PRIMARY KEY("channel_id","ticket_no"),
	CONSTRAINT "channel_tickets_origin_check" CHECK ("channel_tickets"."origin" in ('partner','console','open311'))
);
--> statement-breakpoint
CREATE TABLE "companies" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"contract_start" text NOT NULL,
	"contract_end" text NOT NULL,
	"may_verify" boolean DEFAULT false NOT NULL,
	"patrol_from" text DEFAULT '08:00' NOT NULL,
	"patrol_to" text DEFAULT '18:00' NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "company_grids" (
	"company_id" text NOT NULL,
	"grid_code" text NOT NULL,
	CONSTRAINT "company_grids_company_id_grid_code_pk" PRIMARY KEY("company_id","grid_code")
);
--> statement-breakpoint
CREATE TABLE "open311_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "patrol_checkins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"company_id" text,
	"grid_code" text NOT NULL,
	"day" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_photos" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "location_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "company_id" text;--> statement-breakpoint
ALTER TABLE "channel_callbacks" ADD CONSTRAINT "channel_callbacks_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_tickets" ADD CONSTRAINT "channel_tickets_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_grids" ADD CONSTRAINT "company_grids_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_grids" ADD CONSTRAINT "company_grids_grid_code_org_nodes_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."org_nodes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "open311_keys" ADD CONSTRAINT "open311_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_checkins" ADD CONSTRAINT "patrol_checkins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_checkins" ADD CONSTRAINT "patrol_checkins_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_checkins" ADD CONSTRAINT "patrol_checkins_grid_code_org_nodes_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."org_nodes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_callbacks_dedupe_uq" ON "channel_callbacks" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "channel_callbacks_status_idx" ON "channel_callbacks" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "channel_nonces_seen_idx" ON "channel_nonces" USING btree ("seen_at");--> statement-breakpoint
CREATE INDEX "channel_tickets_case_idx" ON "channel_tickets" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_tickets_tracking_uq" ON "channel_tickets" USING btree ("tracking_token_hash");--> statement-breakpoint
CREATE INDEX "company_grids_grid_idx" ON "company_grids" USING btree ("grid_code");--> statement-breakpoint
CREATE UNIQUE INDEX "open311_keys_hash_uq" ON "open311_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "patrol_checkins_company_day_idx" ON "patrol_checkins" USING btree ("company_id","day");--> statement-breakpoint
CREATE INDEX "patrol_checkins_grid_day_idx" ON "patrol_checkins" USING btree ("grid_code","day");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;