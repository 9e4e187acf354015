CREATE TYPE "public"."chat_message_kind" AS ENUM('text', 'image', 'system', 'notice');--> statement-breakpoint
CREATE TYPE "public"."notice_priority" AS ENUM('normal', 'urgent');--> statement-breakpoint
CREATE TYPE "public"."wechat_outbox_status" AS ENUM('pending', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."medicine_request_status" AS ENUM('pending', 'accepted', 'declined', 'cancelled', 'fulfilled');--> statement-breakpoint
CREATE TYPE "public"."medicine_urgency" AS ENUM('normal', 'urgent', 'critical');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('placed', 'packed', 'out_for_delivery', 'delivered', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."product_category" AS ENUM('vegetables', 'meat_eggs_dairy', 'grain_oil', 'medicine', 'daily', 'mother_baby');--> statement-breakpoint
CREATE TYPE "public"."antigen_result" AS ENUM('negative', 'positive', 'not_tested');--> statement-breakpoint
CREATE TYPE "public"."follow_up_status" AS ENUM('open', 'acknowledged', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."help_kind" AS ENUM('medical', 'medicine', 'food', 'counselling', 'other');--> statement-breakpoint
CREATE TYPE "public"."help_urgency" AS ENUM('normal', 'urgent', 'critical');--> statement-breakpoint
CREATE TYPE "public"."quarantine_status" AS ENUM('home', 'centralized', 'none');--> statement-breakpoint
CREATE TYPE "public"."testing_slot_status" AS ENUM('scheduled', 'done');--> statement-breakpoint
CREATE TYPE "public"."pass_kind" AS ENUM('regular', 'medical');--> statement-breakpoint
CREATE TYPE "public"."pass_status" AS ENUM('active', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."reserve_ledger_kind" AS ENUM('received', 'issued', 'lost_expired');--> statement-breakpoint
CREATE TABLE "chat_groups" (
	"building_id" uuid PRIMARY KEY NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_groups_last_seq_ck" CHECK ("chat_groups"."last_seq" >= 0)
);
--> statement-breakpoint
CREATE TABLE "chat_images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"uploader_id" uuid NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chat_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"sender_id" uuid,
	"sender_is_staff" boolean DEFAULT false NOT NULL,
	"kind" "chat_message_kind" NOT NULL,
	"text" text,
	"image_id" uuid,
	"reply_to_id" uuid,
	"mentions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mention_all" boolean DEFAULT false NOT NULL,
	"notice_id" uuid,
	"client_id" text,
	"recalled_at" timestamp with time zone,
	"recalled_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_messages_seq_ck" CHECK ("chat_messages"."seq" >= 1),
	CONSTRAINT "chat_messages_text_len_ck" CHECK ("chat_messages"."text" IS NULL OR char_length("chat_messages"."text") <= 2000)
);
--> statement-breakpoint
CREATE TABLE "chat_mutes" (
	"group_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"muted_until" timestamp with time zone NOT NULL,
	"muted_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_mutes_group_id_user_id_pk" PRIMARY KEY("group_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "chat_read_marks" (
	"group_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"read_seq" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_read_marks_group_id_user_id_pk" PRIMARY KEY("group_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "notice_acks" (
	"notice_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"acked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notice_acks_notice_id_household_id_pk" PRIMARY KEY("notice_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "notice_targets" (
	"notice_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	CONSTRAINT "notice_targets_notice_id_building_id_pk" PRIMARY KEY("notice_id","building_id")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"priority" "notice_priority" DEFAULT 'normal' NOT NULL,
	"requires_ack" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"notice_id" uuid,
	"payload" jsonb NOT NULL,
	"status" "wechat_outbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "group_buy_item_household_quantities" (
	"item_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "group_buy_item_household_quantities_item_id_household_id_pk" PRIMARY KEY("item_id","household_id"),
	CONSTRAINT "group_buy_item_household_quantities_ck" CHECK ("group_buy_item_household_quantities"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "group_buy_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_buy_id" uuid NOT NULL,
	"product_id" uuid,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"category" "product_category",
	"price_fen" integer NOT NULL,
	"stock" integer NOT NULL,
	"remaining" integer NOT NULL,
	"per_household_limit" integer NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "group_buy_items_remaining_ck" CHECK ("group_buy_items"."remaining" >= 0 AND "group_buy_items"."remaining" <= "group_buy_items"."stock"),
	CONSTRAINT "group_buy_items_price_ck" CHECK ("group_buy_items"."price_fen" >= 0),
	CONSTRAINT "group_buy_items_limit_ck" CHECK ("group_buy_items"."per_household_limit" >= 1)
);
--> statement-breakpoint
CREATE TABLE "group_buys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"delivery_date" text,
	"published_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_buys_window_ck" CHECK ("group_buys"."closes_at" > "group_buys"."opens_at")
);
--> statement-breakpoint
CREATE TABLE "medicine_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"requested_by" uuid NOT NULL,
	"medicine_name" text NOT NULL,
	"amount" text NOT NULL,
	"urgency" "medicine_urgency" DEFAULT 'normal' NOT NULL,
	"note" text,
	"photo_key" text,
	"photo_type" text,
	"status" "medicine_request_status" DEFAULT 'pending' NOT NULL,
	"decline_reason" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"task_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_items" (
	"order_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"price_fen" integer NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "order_items_order_id_item_id_pk" PRIMARY KEY("order_id","item_id"),
	CONSTRAINT "order_items_quantity_ck" CHECK ("order_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"group_buy_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"placed_by" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" "order_status" DEFAULT 'placed' NOT NULL,
	"total_fen" integer NOT NULL,
	"delivery_code" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"packed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancelled_by" uuid,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "orders_total_ck" CHECK ("orders"."total_fen" >= 0),
	CONSTRAINT "orders_delivery_code_ck" CHECK ("orders"."delivery_code" ~ '^[0-9]{4}$')
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"name" text NOT NULL,
	"category" "product_category" NOT NULL,
	"unit" text NOT NULL,
	"price_fen" integer NOT NULL,
	"image_url" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_price_ck" CHECK ("products"."price_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"grid_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"day" date NOT NULL,
	"person_id" uuid,
	"reasons" jsonb,
	"temperature_tenths" smallint,
	"status" "follow_up_status" DEFAULT 'open' NOT NULL,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"acknowledge_note" text,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolution_note" text,
	"details_purged_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "care_visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"visited_by" uuid NOT NULL,
	"visited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text,
	"volunteer_task_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "checkins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"day" date NOT NULL,
	"temperature_tenths" smallint NOT NULL,
	"symptoms" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"antigen" "antigen_result" DEFAULT 'not_tested' NOT NULL,
	"antigen_photo_url" text,
	"quarantine" "quarantine_status" DEFAULT 'none' NOT NULL,
	"note" text,
	"submitted_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkins_temperature_ck" CHECK ("checkins"."temperature_tenths" BETWEEN 340 AND 430)
);
--> statement-breakpoint
CREATE TABLE "help_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"grid_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"requested_by" uuid NOT NULL,
	"kind" "help_kind" NOT NULL,
	"urgency" "help_urgency" DEFAULT 'normal' NOT NULL,
	"details" text NOT NULL,
	"status" "follow_up_status" DEFAULT 'open' NOT NULL,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"acknowledge_note" text,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolution_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "testing_rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"title" text NOT NULL,
	"day" date NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "testing_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"grid_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" "testing_slot_status" DEFAULT 'scheduled' NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" uuid,
	CONSTRAINT "testing_slots_time_ck" CHECK ("testing_slots"."ends_at" > "testing_slots"."starts_at")
);
--> statement-breakpoint
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
ALTER TABLE "chat_groups" ADD CONSTRAINT "chat_groups_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_images" ADD CONSTRAINT "chat_images_group_id_buildings_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."buildings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_images" ADD CONSTRAINT "chat_images_uploader_id_users_id_fk" FOREIGN KEY ("uploader_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_group_id_chat_groups_building_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."chat_groups"("building_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_sender_id_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_image_id_chat_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."chat_images"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_recalled_by_users_id_fk" FOREIGN KEY ("recalled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_mutes" ADD CONSTRAINT "chat_mutes_group_id_buildings_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."buildings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_mutes" ADD CONSTRAINT "chat_mutes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_mutes" ADD CONSTRAINT "chat_mutes_muted_by_users_id_fk" FOREIGN KEY ("muted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_read_marks" ADD CONSTRAINT "chat_read_marks_group_id_buildings_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."buildings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_read_marks" ADD CONSTRAINT "chat_read_marks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_targets" ADD CONSTRAINT "notice_targets_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_targets" ADD CONSTRAINT "notice_targets_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_outbox" ADD CONSTRAINT "wechat_outbox_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_outbox" ADD CONSTRAINT "wechat_outbox_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_buy_item_household_quantities" ADD CONSTRAINT "group_buy_item_household_quantities_item_id_group_buy_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."group_buy_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_buy_item_household_quantities" ADD CONSTRAINT "group_buy_item_household_quantities_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_buy_items" ADD CONSTRAINT "group_buy_items_group_buy_id_group_buys_id_fk" FOREIGN KEY ("group_buy_id") REFERENCES "public"."group_buys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_buy_items" ADD CONSTRAINT "group_buy_items_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_buys" ADD CONSTRAINT "group_buys_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_buys" ADD CONSTRAINT "group_buys_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_buys" ADD CONSTRAINT "group_buys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medicine_requests" ADD CONSTRAINT "medicine_requests_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medicine_requests" ADD CONSTRAINT "medicine_requests_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medicine_requests" ADD CONSTRAINT "medicine_requests_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medicine_requests" ADD CONSTRAINT "medicine_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medicine_requests" ADD CONSTRAINT "medicine_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_item_id_group_buy_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."group_buy_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_group_buy_id_group_buys_id_fk" FOREIGN KEY ("group_buy_id") REFERENCES "public"."group_buys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_placed_by_users_id_fk" FOREIGN KEY ("placed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_visits" ADD CONSTRAINT "care_visits_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_visits" ADD CONSTRAINT "care_visits_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_visits" ADD CONSTRAINT "care_visits_visited_by_users_id_fk" FOREIGN KEY ("visited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_rounds" ADD CONSTRAINT "testing_rounds_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_rounds" ADD CONSTRAINT "testing_rounds_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_slots" ADD CONSTRAINT "testing_slots_round_id_testing_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."testing_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_slots" ADD CONSTRAINT "testing_slots_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_slots" ADD CONSTRAINT "testing_slots_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_slots" ADD CONSTRAINT "testing_slots_done_by_users_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
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
CREATE INDEX "chat_images_group_idx" ON "chat_images" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_messages_group_seq_uq" ON "chat_messages" USING btree ("group_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_messages_client_uq" ON "chat_messages" USING btree ("group_id","sender_id","client_id") WHERE "chat_messages"."client_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "chat_messages_sender_created_idx" ON "chat_messages" USING btree ("sender_id","created_at");--> statement-breakpoint
CREATE INDEX "notice_targets_building_idx" ON "notice_targets" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "notices_community_created_idx" ON "notices" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE INDEX "wechat_outbox_pending_idx" ON "wechat_outbox" USING btree ("created_at") WHERE "wechat_outbox"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "wechat_outbox_notice_user_uq" ON "wechat_outbox" USING btree ("notice_id","user_id");--> statement-breakpoint
CREATE INDEX "group_buy_items_group_buy_idx" ON "group_buy_items" USING btree ("group_buy_id");--> statement-breakpoint
CREATE INDEX "group_buys_community_opens_idx" ON "group_buys" USING btree ("community_id","opens_at");--> statement-breakpoint
CREATE INDEX "medicine_requests_building_status_idx" ON "medicine_requests" USING btree ("building_id","status");--> statement-breakpoint
CREATE INDEX "medicine_requests_household_idx" ON "medicine_requests" USING btree ("household_id","created_at");--> statement-breakpoint
CREATE INDEX "order_items_item_idx" ON "order_items" USING btree ("item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_idempotency_uq" ON "orders" USING btree ("placed_by","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_building_status_idx" ON "orders" USING btree ("building_id","status");--> statement-breakpoint
CREATE INDEX "orders_household_created_idx" ON "orders" USING btree ("household_id","created_at");--> statement-breakpoint
CREATE INDEX "orders_group_buy_idx" ON "orders" USING btree ("group_buy_id");--> statement-breakpoint
CREATE INDEX "products_community_idx" ON "products" USING btree ("community_id");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_person_day_uq" ON "alerts" USING btree ("person_id","day");--> statement-breakpoint
CREATE INDEX "alerts_grid_status_idx" ON "alerts" USING btree ("grid_id","status");--> statement-breakpoint
CREATE INDEX "alerts_day_idx" ON "alerts" USING btree ("day");--> statement-breakpoint
CREATE INDEX "care_visits_person_idx" ON "care_visits" USING btree ("person_id","visited_at");--> statement-breakpoint
CREATE UNIQUE INDEX "checkins_person_day_uq" ON "checkins" USING btree ("person_id","day");--> statement-breakpoint
CREATE INDEX "checkins_household_day_idx" ON "checkins" USING btree ("household_id","day");--> statement-breakpoint
CREATE INDEX "checkins_day_idx" ON "checkins" USING btree ("day");--> statement-breakpoint
CREATE INDEX "help_requests_grid_status_idx" ON "help_requests" USING btree ("grid_id","status");--> statement-breakpoint
CREATE INDEX "help_requests_household_idx" ON "help_requests" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "testing_rounds_community_day_idx" ON "testing_rounds" USING btree ("community_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "testing_slots_round_building_uq" ON "testing_slots" USING btree ("round_id","building_id");--> statement-breakpoint
CREATE INDEX "testing_slots_building_idx" ON "testing_slots" USING btree ("building_id");--> statement-breakpoint
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