CREATE TABLE "patrol_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "patrol_sessions" ADD CONSTRAINT "patrol_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "patrol_sessions_one_open_uq" ON "patrol_sessions" USING btree ("user_id") WHERE "patrol_sessions"."stopped_at" is null;--> statement-breakpoint
CREATE INDEX "patrol_sessions_user_started_idx" ON "patrol_sessions" USING btree ("user_id","started_at");--> statement-breakpoint
CREATE INDEX "case_events_actor_at_idx" ON "case_events" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "patrol_checkins_user_day_idx" ON "patrol_checkins" USING btree ("user_id","day");