-- Places a batch of orders in one call and one transaction (group commit: one WAL flush for the batch instead of one
-- per order). Each order runs `place_order` in its own subtransaction: a refusal (LIMIT_EXCEEDED, NOT_TAKEN) undoes that
-- order alone and is answered as its outcome; any other error fails the whole call, and the server then sends the
-- orders one by one. `p_orders` is a JSON array of objects with the arguments of `place_order`.
CREATE FUNCTION "place_orders"(p_orders jsonb)
RETURNS TABLE (idx integer, outcome text, created_ms float8, taken json, building_id uuid, unit text, room text, building_name text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  o jsonb;
  i integer := 0;
  placed record;
BEGIN
  FOR o IN SELECT value FROM jsonb_array_elements(p_orders) LOOP
    idx := i;
    i := i + 1;
    BEGIN
      SELECT * INTO placed FROM place_order(
        (o->>'orderId')::uuid, (o->>'userId')::uuid, (o->>'householdId')::uuid, (o->>'communityId')::uuid, (o->>'groupBuyId')::uuid,
        o->>'key', o->>'hash', (o->>'totalFen')::integer, o->>'deliveryCode', o->>'note',
        ARRAY(SELECT jsonb_array_elements_text(o->'itemIds'))::uuid[],
        ARRAY(SELECT jsonb_array_elements_text(o->'quantities'))::integer[],
        ARRAY(SELECT jsonb_array_elements_text(o->'names')),
        ARRAY(SELECT jsonb_array_elements_text(o->'units')),
        ARRAY(SELECT jsonb_array_elements_text(o->'prices'))::integer[]);
      outcome := placed.outcome;
      created_ms := placed.created_ms;
      taken := placed.taken;
      building_id := placed.building_id;
      unit := placed.unit;
      room := placed.room;
      building_name := placed.building_name;
    EXCEPTION WHEN raise_exception THEN
      IF SQLERRM NOT IN ('LIMIT_EXCEEDED', 'NOT_TAKEN') THEN RAISE; END IF;
      outcome := SQLERRM;
      created_ms := NULL; taken := NULL; building_id := NULL; unit := NULL; room := NULL; building_name := NULL;
    END;
    RETURN NEXT;
  END LOOP;
END
$$;
