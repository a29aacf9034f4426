CREATE TABLE "duty_overrides" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"grid_code" text NOT NULL,
	"day" text NOT NULL,
	"slot" text NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone NOT NULL,
	"superseded_at" timestamp with time zone,
	"superseded_by" uuid,
	CONSTRAINT "duty_overrides_slot_check" CHECK ("duty_overrides"."slot" in ('A','B'))
);
--> statement-breakpoint
CREATE TABLE "duty_rules" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"district_code" text NOT NULL,
	"rule" text NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone NOT NULL,
	"superseded_at" timestamp with time zone,
	"superseded_by" uuid,
	CONSTRAINT "duty_rules_rule_check" CHECK ("duty_rules"."rule" in ('alternate_days','alternate_weeks','a_only'))
);
--> statement-breakpoint
CREATE TABLE "duty_substitutes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"grid_code" text NOT NULL,
	"post" text NOT NULL,
	"user_id" uuid NOT NULL,
	"from_day" text NOT NULL,
	"to_day" text NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone NOT NULL,
	"superseded_at" timestamp with time zone,
	"superseded_by" uuid,
	CONSTRAINT "duty_substitutes_post_check" CHECK ("duty_substitutes"."post" in ('A','B')),
	CONSTRAINT "duty_substitutes_range_check" CHECK ("duty_substitutes"."from_day" <= "duty_substitutes"."to_day")
);
--> statement-breakpoint
ALTER TABLE "duty_overrides" ADD CONSTRAINT "duty_overrides_grid_code_org_nodes_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."org_nodes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_overrides" ADD CONSTRAINT "duty_overrides_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_overrides" ADD CONSTRAINT "duty_overrides_superseded_by_users_id_fk" FOREIGN KEY ("superseded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_rules" ADD CONSTRAINT "duty_rules_district_code_org_nodes_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."org_nodes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_rules" ADD CONSTRAINT "duty_rules_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_rules" ADD CONSTRAINT "duty_rules_superseded_by_users_id_fk" FOREIGN KEY ("superseded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_substitutes" ADD CONSTRAINT "duty_substitutes_grid_code_org_nodes_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."org_nodes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_substitutes" ADD CONSTRAINT "duty_substitutes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_substitutes" ADD CONSTRAINT "duty_substitutes_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_substitutes" ADD CONSTRAINT "duty_substitutes_superseded_by_users_id_fk" FOREIGN KEY ("superseded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "duty_overrides_grid_day_idx" ON "duty_overrides" USING btree ("grid_code","day");--> statement-breakpoint
CREATE UNIQUE INDEX "duty_rules_current_uq" ON "duty_rules" USING btree ("district_code") WHERE "duty_rules"."superseded_at" is null;--> statement-breakpoint
CREATE INDEX "duty_substitutes_grid_idx" ON "duty_substitutes" USING btree ("grid_code","from_day");