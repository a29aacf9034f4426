CREATE TABLE "policy_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"reason" text NOT NULL,
	"document" jsonb NOT NULL,
	"change" jsonb
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "policy_version" integer;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;