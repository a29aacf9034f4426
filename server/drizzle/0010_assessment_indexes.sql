CREATE INDEX "case_events_at_idx" ON "case_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "cases_created_idx" ON "cases" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "cases_closed_idx" ON "cases" USING btree ("closed_at") WHERE "cases"."closed_at" is not null;--> statement-breakpoint
CREATE INDEX "cases_overdue_idx" ON "cases" USING btree ("overdue_at") WHERE "cases"."overdue_at" is not null;--> statement-breakpoint
CREATE INDEX "cases_arrived_idx" ON "cases" USING btree ("arrived_at") WHERE "cases"."arrived_at" is not null;