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
ALTER TABLE "thank_you_posts" ADD CONSTRAINT "thank_you_posts_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thank_you_posts" ADD CONSTRAINT "thank_you_posts_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thank_you_posts" ADD CONSTRAINT "thank_you_posts_hidden_by_users_id_fk" FOREIGN KEY ("hidden_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "thank_you_posts_community_idx" ON "thank_you_posts" USING btree ("community_id","published_at");