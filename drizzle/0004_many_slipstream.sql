CREATE TABLE "volunteer_holds" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "volunteer_holds_held_ck" CHECK ("volunteer_holds"."held" >= 0)
);
--> statement-breakpoint
ALTER TABLE "volunteer_holds" ADD CONSTRAINT "volunteer_holds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
INSERT INTO "volunteer_holds" ("user_id", "held") SELECT "claimed_by", count(*) FROM "tasks" WHERE "status" = 'claimed' GROUP BY "claimed_by";
