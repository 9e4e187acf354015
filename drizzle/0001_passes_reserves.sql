CREATE TYPE "public"."pass_kind" AS ENUM('regular', 'medical');--> statement-breakpoint
CREATE TYPE "public"."pass_status" AS ENUM('active', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."reserve_ledger_kind" AS ENUM('received', 'issued', 'lost_expired');--> statement-breakpoint
CREATE TABLE "pass_policies" (
	"community_id" uuid PRIMARY KEY NOT NULL,
	"exits_per_window" integer NOT NULL,
	"window_days" integer NOT NULL,
	"max_out_minutes" integer NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pass_policies_exits_ck" CHECK ("pass_policies"."exits_per_window" BETWEEN 1 AND 20),
	CONSTRAINT "pass_policies_window_ck" CHECK ("pass_policies"."window_days" BETWEEN 1 AND 30),
	CONSTRAINT "pass_policies_minutes_ck" CHECK ("pass_policies"."max_out_minutes" BETWEEN 15 AND 1440)
);
--> statement-breakpoint
CREATE TABLE "pass_token_uses" (
	"nonce" text PRIMARY KEY NOT NULL,
	"pass_id" uuid NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pass_trips" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pass_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"exit_at" timestamp with time zone DEFAULT now() NOT NULL,
	"exit_scanned_by" uuid NOT NULL,
	"due_back_at" timestamp with time zone NOT NULL,
	"return_at" timestamp with time zone,
	"return_scanned_by" uuid,
	CONSTRAINT "pass_trips_return_ck" CHECK ("pass_trips"."return_at" IS NULL OR "pass_trips"."return_at" >= "pass_trips"."exit_at")
);
--> statement-breakpoint
CREATE TABLE "passes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"kind" "pass_kind" DEFAULT 'regular' NOT NULL,
	"status" "pass_status" DEFAULT 'active' NOT NULL,
	"reason" text,
	"valid_until" timestamp with time zone,
	"issued_by" uuid NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_by" uuid,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "passes_medical_ck" CHECK ("passes"."kind" = 'regular' OR ("passes"."reason" IS NOT NULL AND "passes"."valid_until" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "reserve_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"low_stock_threshold" integer DEFAULT 0 NOT NULL,
	"stock" integer DEFAULT 0 NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reserve_items_stock_ck" CHECK ("reserve_items"."stock" >= 0),
	CONSTRAINT "reserve_items_threshold_ck" CHECK ("reserve_items"."low_stock_threshold" >= 0)
);
--> statement-breakpoint
CREATE TABLE "reserve_ledger" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"kind" "reserve_ledger_kind" NOT NULL,
	"quantity" integer NOT NULL,
	"balance_after" integer NOT NULL,
	"reason" text NOT NULL,
	"household_id" uuid,
	"recipient_user_id" uuid,
	"distribution_id" uuid,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reserve_ledger_quantity_ck" CHECK ("reserve_ledger"."quantity" > 0),
	CONSTRAINT "reserve_ledger_balance_ck" CHECK ("reserve_ledger"."balance_after" >= 0),
	CONSTRAINT "reserve_ledger_recipient_ck" CHECK (("reserve_ledger"."kind" = 'issued') = (("reserve_ledger"."household_id" IS NOT NULL) <> ("reserve_ledger"."recipient_user_id" IS NOT NULL)) AND ("reserve_ledger"."kind" = 'issued' OR ("reserve_ledger"."household_id" IS NULL AND "reserve_ledger"."recipient_user_id" IS NULL)))
);
--> statement-breakpoint
ALTER TABLE "pass_policies" ADD CONSTRAINT "pass_policies_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_policies" ADD CONSTRAINT "pass_policies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_token_uses" ADD CONSTRAINT "pass_token_uses_pass_id_passes_id_fk" FOREIGN KEY ("pass_id") REFERENCES "public"."passes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_trips" ADD CONSTRAINT "pass_trips_pass_id_passes_id_fk" FOREIGN KEY ("pass_id") REFERENCES "public"."passes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_trips" ADD CONSTRAINT "pass_trips_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_trips" ADD CONSTRAINT "pass_trips_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_trips" ADD CONSTRAINT "pass_trips_exit_scanned_by_users_id_fk" FOREIGN KEY ("exit_scanned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_trips" ADD CONSTRAINT "pass_trips_return_scanned_by_users_id_fk" FOREIGN KEY ("return_scanned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passes" ADD CONSTRAINT "passes_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passes" ADD CONSTRAINT "passes_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passes" ADD CONSTRAINT "passes_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passes" ADD CONSTRAINT "passes_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_items" ADD CONSTRAINT "reserve_items_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_items" ADD CONSTRAINT "reserve_items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_ledger" ADD CONSTRAINT "reserve_ledger_item_id_reserve_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."reserve_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_ledger" ADD CONSTRAINT "reserve_ledger_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_ledger" ADD CONSTRAINT "reserve_ledger_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_ledger" ADD CONSTRAINT "reserve_ledger_recipient_user_id_users_id_fk" FOREIGN KEY ("recipient_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_ledger" ADD CONSTRAINT "reserve_ledger_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pass_token_uses_used_idx" ON "pass_token_uses" USING btree ("used_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pass_trips_household_out_uq" ON "pass_trips" USING btree ("household_id") WHERE "pass_trips"."return_at" IS NULL;--> statement-breakpoint
CREATE INDEX "pass_trips_household_exit_idx" ON "pass_trips" USING btree ("household_id","exit_at");--> statement-breakpoint
CREATE INDEX "pass_trips_community_exit_idx" ON "pass_trips" USING btree ("community_id","exit_at");--> statement-breakpoint
CREATE UNIQUE INDEX "passes_household_active_uq" ON "passes" USING btree ("household_id") WHERE "passes"."status" = 'active';--> statement-breakpoint
CREATE INDEX "passes_community_idx" ON "passes" USING btree ("community_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "reserve_items_community_name_uq" ON "reserve_items" USING btree ("community_id","name");--> statement-breakpoint
CREATE INDEX "reserve_ledger_item_created_idx" ON "reserve_ledger" USING btree ("item_id","created_at");--> statement-breakpoint
CREATE INDEX "reserve_ledger_community_created_idx" ON "reserve_ledger" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reserve_ledger_distribution_household_uq" ON "reserve_ledger" USING btree ("distribution_id","household_id") WHERE "reserve_ledger"."distribution_id" IS NOT NULL;