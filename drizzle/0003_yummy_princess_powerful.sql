CREATE TYPE "public"."task_kind" AS ENUM('delivery', 'medicine', 'errand', 'visit');--> statement-breakpoint
CREATE TYPE "public"."task_order_handover" AS ENUM('pending', 'code', 'left_at_door');--> statement-breakpoint
CREATE TYPE "public"."task_status" AS ENUM('open', 'claimed', 'completed', 'cancelled');--> statement-breakpoint
CREATE TABLE "task_orders" (
	"order_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"locked_at" timestamp with time zone,
	"handover" "task_order_handover" DEFAULT 'pending' NOT NULL,
	"handed_over_at" timestamp with time zone,
	"handed_over_by" uuid,
	"door_photo_key" text,
	"door_photo_type" text,
	"confirmed_at" timestamp with time zone,
	CONSTRAINT "task_orders_order_id_pk" PRIMARY KEY("order_id"),
	CONSTRAINT "task_orders_attempts_ck" CHECK ("task_orders"."failed_attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"kind" "task_kind" NOT NULL,
	"status" "task_status" DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"details" text,
	"building_id" uuid NOT NULL,
	"household_id" uuid,
	"contact_user_id" uuid,
	"person_id" uuid,
	"medicine_request_id" uuid,
	"help_request_id" uuid,
	"urgent" boolean DEFAULT false NOT NULL,
	"care_tagged" boolean DEFAULT false NOT NULL,
	"order_count" integer DEFAULT 0 NOT NULL,
	"handed_over_count" integer DEFAULT 0 NOT NULL,
	"claimed_by" uuid,
	"claimed_at" timestamp with time zone,
	"claim_expires_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"completion_note" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_claimed_ck" CHECK ("tasks"."status" <> 'claimed' OR ("tasks"."claimed_by" IS NOT NULL AND "tasks"."claim_expires_at" IS NOT NULL)),
	CONSTRAINT "tasks_open_ck" CHECK ("tasks"."status" <> 'open' OR "tasks"."claimed_by" IS NULL),
	CONSTRAINT "tasks_counts_ck" CHECK ("tasks"."handed_over_count" >= 0 AND "tasks"."handed_over_count" <= "tasks"."order_count")
);
--> statement-breakpoint
ALTER TABLE "task_orders" ADD CONSTRAINT "task_orders_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_orders" ADD CONSTRAINT "task_orders_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_orders" ADD CONSTRAINT "task_orders_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_orders" ADD CONSTRAINT "task_orders_handed_over_by_users_id_fk" FOREIGN KEY ("handed_over_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_contact_user_id_users_id_fk" FOREIGN KEY ("contact_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_medicine_request_id_medicine_requests_id_fk" FOREIGN KEY ("medicine_request_id") REFERENCES "public"."medicine_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_help_request_id_help_requests_id_fk" FOREIGN KEY ("help_request_id") REFERENCES "public"."help_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_orders_task_idx" ON "task_orders" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "tasks_community_status_idx" ON "tasks" USING btree ("community_id","status","created_at");--> statement-breakpoint
CREATE INDEX "tasks_claimed_by_idx" ON "tasks" USING btree ("claimed_by") WHERE "tasks"."status" = 'claimed';--> statement-breakpoint
CREATE INDEX "tasks_claim_expiry_idx" ON "tasks" USING btree ("claim_expires_at") WHERE "tasks"."status" = 'claimed';--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_medicine_request_uq" ON "tasks" USING btree ("medicine_request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_help_request_uq" ON "tasks" USING btree ("help_request_id");--> statement-breakpoint
ALTER TABLE "medicine_requests" ADD CONSTRAINT "medicine_requests_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_visits" ADD CONSTRAINT "care_visits_volunteer_task_id_tasks_id_fk" FOREIGN KEY ("volunteer_task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;