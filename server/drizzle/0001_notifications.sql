CREATE TABLE "notification_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"notification_id" integer NOT NULL,
	"channel" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"errcode" text,
	"errmsg" text
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"event" text NOT NULL,
	"case_id" uuid,
	"recipient_user_id" uuid,
	"recipient_group" text,
	"channels" jsonb NOT NULL,
	"channel" text,
	"template_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "notifications_status_check" CHECK ("notifications"."status" in ('pending','sent','failed'))
);
--> statement-breakpoint
CREATE TABLE "oa_bind_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "oa_followers" (
	"oa_openid" text PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"subscribed" boolean NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oa_pending_reports" (
	"oa_openid" text PRIMARY KEY NOT NULL,
	"media_id" text,
	"pic_url" text,
	"lat" double precision,
	"lng" double precision,
	"label" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_credits" (
	"user_id" uuid NOT NULL,
	"template_key" text NOT NULL,
	"credits" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "subscription_credits_user_id_template_key_pk" PRIMARY KEY("user_id","template_key"),
	CONSTRAINT "subscription_credits_nonneg" CHECK ("subscription_credits"."credits" >= 0)
);
--> statement-breakpoint
CREATE TABLE "wechat_push_nonces" (
	"nonce" text NOT NULL,
	"timestamp" integer NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "wechat_push_nonces_nonce_timestamp_pk" PRIMARY KEY("nonce","timestamp")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "moderation" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "clock_alert" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "overdue_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "oa_openid" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_user_id_users_id_fk" FOREIGN KEY ("recipient_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oa_bind_codes" ADD CONSTRAINT "oa_bind_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oa_followers" ADD CONSTRAINT "oa_followers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_credits" ADD CONSTRAINT "subscription_credits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_attempts_n_idx" ON "notification_attempts" USING btree ("notification_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_uq" ON "notifications" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_case_idx" ON "notifications" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_oa_openid_uq" ON "users" USING btree ("oa_openid");