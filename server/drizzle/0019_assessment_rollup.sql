CREATE TABLE "assessment_day_counts" (
	"day" date NOT NULL,
	"ref_day" date,
	"signer_id" uuid,
	"location_path" text NOT NULL,
	"grid_code" text,
	"community_code" text,
	"street_code" text,
	"district_code" text,
	"reported" integer DEFAULT 0 NOT NULL,
	"patrol_reports" integer DEFAULT 0 NOT NULL,
	"public_reports" integer DEFAULT 0 NOT NULL,
	"registered" integer DEFAULT 0 NOT NULL,
	"handled" integer DEFAULT 0 NOT NULL,
	"rework" integer DEFAULT 0 NOT NULL,
	"dispatched" integer DEFAULT 0 NOT NULL,
	"returned" integer DEFAULT 0 NOT NULL,
	"extended" integer DEFAULT 0 NOT NULL,
	"suspended" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"satisfied" integer DEFAULT 0 NOT NULL,
	"response_base" integer DEFAULT 0 NOT NULL,
	"responded_a" integer DEFAULT 0 NOT NULL,
	"responded_b" integer DEFAULT 0 NOT NULL,
	"self_handled" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"closed_on_time" integer DEFAULT 0 NOT NULL,
	"closed_on_time_national" integer DEFAULT 0 NOT NULL,
	"handling_hours_sum" double precision DEFAULT 0 NOT NULL,
	"handling_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_rollup_days" (
	"day" date PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"rules" text NOT NULL
);
--> statement-breakpoint
DROP INDEX "cases_overdue_idx";--> statement-breakpoint
CREATE INDEX "assessment_day_counts_day_idx" ON "assessment_day_counts" USING btree ("day");--> statement-breakpoint
CREATE INDEX "case_events_rare_at_idx" ON "case_events" USING btree ("at") WHERE "case_events"."action" in ('supervise', 'locate', 'reopen');--> statement-breakpoint
CREATE INDEX "cases_closed_due_idx" ON "cases" USING btree ("due_at","closed_at","location_path","district_code","street_code","community_code","grid_code") WHERE "cases"."state" = 'closed';--> statement-breakpoint
CREATE INDEX "cases_open_due_idx" ON "cases" USING btree ("due_at","location_path","district_code","street_code","community_code","grid_code") WHERE "cases"."state" <> 'closed' and "cases"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "cases_not_valid_created_idx" ON "cases" USING btree ("created_at","location_path","district_code","street_code","community_code","grid_code") WHERE "cases"."state" in ('submitted', 'rejected', 'merged');--> statement-breakpoint
CREATE INDEX "cases_overdue_idx" ON "cases" USING btree ("overdue_at","location_path","district_code","street_code","community_code","grid_code") WHERE "cases"."overdue_at" is not null;