CREATE TYPE "public"."call_up_answer" AS ENUM('yes', 'no');--> statement-breakpoint
CREATE TYPE "public"."call_up_closed_reason" AS ENUM('staff', 'filled');--> statement-breakpoint
CREATE TYPE "public"."call_up_status" AS ENUM('open', 'closed');--> statement-breakpoint
CREATE TYPE "public"."volunteer_application_status" AS ENUM('pending', 'approved', 'rejected', 'suspended');--> statement-breakpoint
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
ALTER TABLE "call_up_recipients" ADD CONSTRAINT "call_up_recipients_call_up_id_call_ups_id_fk" FOREIGN KEY ("call_up_id") REFERENCES "public"."call_ups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_up_recipients" ADD CONSTRAINT "call_up_recipients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_up_recipients" ADD CONSTRAINT "call_up_recipients_application_id_volunteer_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."volunteer_applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_ups" ADD CONSTRAINT "call_ups_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_ups" ADD CONSTRAINT "call_ups_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_ups" ADD CONSTRAINT "call_ups_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_applications" ADD CONSTRAINT "volunteer_applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_applications" ADD CONSTRAINT "volunteer_applications_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_applications" ADD CONSTRAINT "volunteer_applications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_up_recipients_user_idx" ON "call_up_recipients" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "call_ups_community_created_idx" ON "call_ups" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteer_applications_live_uq" ON "volunteer_applications" USING btree ("user_id","community_id") WHERE "volunteer_applications"."status" <> 'rejected';--> statement-breakpoint
CREATE INDEX "volunteer_applications_community_status_idx" ON "volunteer_applications" USING btree ("community_id","status","created_at");