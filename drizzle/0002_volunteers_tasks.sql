CREATE TYPE "public"."call_up_answer" AS ENUM('yes', 'no');--> statement-breakpoint
CREATE TYPE "public"."call_up_closed_reason" AS ENUM('staff', 'filled');--> statement-breakpoint
CREATE TYPE "public"."call_up_status" AS ENUM('open', 'closed');--> statement-breakpoint
CREATE TYPE "public"."volunteer_application_status" AS ENUM('pending', 'approved', 'rejected', 'suspended');--> statement-breakpoint
CREATE TYPE "public"."task_kind" AS ENUM('delivery', 'medicine', 'errand', 'visit');--> statement-breakpoint
CREATE TYPE "public"."task_order_handover" AS ENUM('pending', 'code', 'left_at_door');--> statement-breakpoint
CREATE TYPE "public"."task_status" AS ENUM('open', 'claimed', 'completed', 'cancelled');--> statement-breakpoint
CREATE TABLE "call_up_recipients" (
	"call_up_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"application_id" uuid NOT NULL,
	"answer" "call_up_answer",
	"answered_at" timestamp with time zone,
	CONSTRAINT "call_up_recipients_call_up_id_user_id_pk" PRIMARY KEY("call_up_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "call_ups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"skill" text NOT NULL,
	"needed" integer NOT NULL,
	"place" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"note" text,
	"status" "call_up_status" DEFAULT 'open' NOT NULL,
	"closed_reason" "call_up_closed_reason",
	"closed_by" uuid,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_ups_needed_ck" CHECK ("call_ups"."needed" >= 1)
);
--> statement-breakpoint
CREATE TABLE "volunteer_applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"skills" text[] NOT NULL,
	"availability" jsonb NOT NULL,
	"preferred_building_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"note" text,
	"status" "volunteer_application_status" DEFAULT 'pending' NOT NULL,
	"decision_reason" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volunteer_applications_skills_ck" CHECK (cardinality("volunteer_applications"."skills") >= 1)
);
--> statement-breakpoint
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
CREATE TABLE "volunteer_holds" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "volunteer_holds_held_ck" CHECK ("volunteer_holds"."held" >= 0)
);
--> statement-breakpoint
CREATE TABLE "thank_you_posts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"title" text NOT NULL,
	"message" text NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"entries" jsonb NOT NULL,
	"published_by" uuid NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hidden_by" uuid,
	"hidden_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "call_up_recipients" ADD CONSTRAINT "call_up_recipients_call_up_id_call_ups_id_fk" FOREIGN KEY ("call_up_id") REFERENCES "public"."call_ups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_up_recipients" ADD CONSTRAINT "call_up_recipients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_up_recipients" ADD CONSTRAINT "call_up_recipients_application_id_volunteer_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."volunteer_applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_ups" ADD CONSTRAINT "call_ups_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_ups" ADD CONSTRAINT "call_ups_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_ups" ADD CONSTRAINT "call_ups_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_applications" ADD CONSTRAINT "volunteer_applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_applications" ADD CONSTRAINT "volunteer_applications_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_applications" ADD CONSTRAINT "volunteer_applications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
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
ALTER TABLE "volunteer_holds" ADD CONSTRAINT "volunteer_holds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thank_you_posts" ADD CONSTRAINT "thank_you_posts_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thank_you_posts" ADD CONSTRAINT "thank_you_posts_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thank_you_posts" ADD CONSTRAINT "thank_you_posts_hidden_by_users_id_fk" FOREIGN KEY ("hidden_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_up_recipients_user_idx" ON "call_up_recipients" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "call_ups_community_created_idx" ON "call_ups" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteer_applications_live_uq" ON "volunteer_applications" USING btree ("user_id","community_id") WHERE "volunteer_applications"."status" <> 'rejected';--> statement-breakpoint
CREATE INDEX "volunteer_applications_community_status_idx" ON "volunteer_applications" USING btree ("community_id","status","created_at");--> statement-breakpoint
CREATE INDEX "task_orders_task_idx" ON "task_orders" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "tasks_community_status_idx" ON "tasks" USING btree ("community_id","status","created_at");--> statement-breakpoint
CREATE INDEX "tasks_claimed_by_idx" ON "tasks" USING btree ("claimed_by") WHERE "tasks"."status" = 'claimed';--> statement-breakpoint
CREATE INDEX "tasks_claim_expiry_idx" ON "tasks" USING btree ("claim_expires_at") WHERE "tasks"."status" = 'claimed';--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_medicine_request_uq" ON "tasks" USING btree ("medicine_request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_help_request_uq" ON "tasks" USING btree ("help_request_id");--> statement-breakpoint
CREATE INDEX "thank_you_posts_community_idx" ON "thank_you_posts" USING btree ("community_id","published_at");--> statement-breakpoint
ALTER TABLE "medicine_requests" ADD CONSTRAINT "medicine_requests_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_visits" ADD CONSTRAINT "care_visits_volunteer_task_id_tasks_id_fk" FOREIGN KEY ("volunteer_task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;