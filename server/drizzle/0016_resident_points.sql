CREATE TABLE "resident_points" (
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"user_id" uuid NOT NULL,
	"points" integer NOT NULL,
	"district_code" text NOT NULL,
	"earned_at" timestamp with time zone NOT NULL,
	CONSTRAINT "resident_points_case_id_kind_pk" PRIMARY KEY("case_id","kind"),
	CONSTRAINT "resident_points_kind_check" CHECK ("resident_points"."kind" in ('registered','first_finder'))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "points_listed" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "resident_points" ADD CONSTRAINT "resident_points_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_points" ADD CONSTRAINT "resident_points_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resident_points_user_idx" ON "resident_points" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "resident_points_earned_idx" ON "resident_points" USING btree ("earned_at");