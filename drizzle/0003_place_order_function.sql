-- Places an order in one call (one round trip). Each statement below runs with its own snapshot, so the hot stock
-- row is locked by the last statement only, and a wait for it re-checks that small UPDATE alone (no re-check of the
-- order's inserts). A refusal raises and undoes everything the call wrote.
CREATE FUNCTION "place_order"(
  p_order_id uuid, p_user_id uuid, p_household_id uuid, p_community_id uuid, p_group_buy_id uuid,
  p_key text, p_hash text, p_total_fen integer, p_delivery_code text, p_note text,
  p_item_ids uuid[], p_quantities integer[], p_names text[], p_units text[], p_prices integer[],
  OUT outcome text, OUT created_ms float8, OUT taken json,
  OUT building_id uuid, OUT unit text, OUT room text, OUT building_name text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  member_community uuid;
  created timestamptz;
  counted integer;
  line record;
  left_after integer;
  taken_items json[] := '{}';
BEGIN
  -- The household, only if the caller is bound to it (approved).
  SELECT h.unit, h.room, b.id, b.name, b.community_id INTO unit, room, building_id, building_name, member_community
  FROM households h JOIN buildings b ON b.id = h.building_id
  WHERE h.id = p_household_id
    AND EXISTS (SELECT 1 FROM household_bindings hb WHERE hb.user_id = p_user_id AND hb.household_id = h.id AND hb.status = 'approved');
  IF NOT FOUND THEN outcome := 'NOT_BOUND'; RETURN; END IF;
  IF member_community <> p_community_id THEN outcome := 'ELSEWHERE'; RETURN; END IF;

  -- The key: a concurrent retry with the same key waits here for the first, then finds it taken.
  INSERT INTO orders (id, community_id, group_buy_id, household_id, building_id, placed_by, idempotency_key, request_hash, total_fen, delivery_code, note)
  VALUES (p_order_id, p_community_id, p_group_buy_id, p_household_id, building_id, p_user_id, p_key, p_hash, p_total_fen, p_delivery_code, p_note)
  ON CONFLICT (placed_by, idempotency_key) DO NOTHING
  RETURNING created_at INTO created;
  IF NOT FOUND THEN outcome := 'KEY_TAKEN'; RETURN; END IF;

  -- The household's running quantities, only while each stays within its limit.
  INSERT INTO group_buy_item_household_quantities AS q (item_id, household_id, quantity)
  SELECT l.item_id, p_household_id, l.quantity FROM unnest(p_item_ids, p_quantities) AS l(item_id, quantity) ORDER BY l.item_id
  ON CONFLICT (item_id, household_id) DO UPDATE SET quantity = q.quantity + EXCLUDED.quantity
  WHERE q.quantity + EXCLUDED.quantity <= (SELECT i.per_household_limit FROM group_buy_items i WHERE i.id = EXCLUDED.item_id);
  GET DIAGNOSTICS counted = ROW_COUNT;
  IF counted < cardinality(p_item_ids) THEN RAISE EXCEPTION 'LIMIT_EXCEEDED' USING ERRCODE = 'P0001'; END IF;

  INSERT INTO order_items (order_id, item_id, name, unit, price_fen, quantity)
  SELECT p_order_id, l.item_id, l.name, l.unit, l.price_fen, l.quantity
  FROM unnest(p_item_ids, p_quantities, p_names, p_units, p_prices) AS l(item_id, quantity, name, unit, price_fen);

  -- Last, the hot rows, one at a time in item id order (two multi-item orders never deadlock): the stock is taken
  -- only while enough remains, at the price, in the window (the database clock).
  FOR line IN SELECT l.item_id, l.quantity, l.price_fen FROM unnest(p_item_ids, p_quantities, p_prices) AS l(item_id, quantity, price_fen) ORDER BY l.item_id LOOP
    UPDATE group_buy_items i SET remaining = i.remaining - line.quantity
    WHERE i.id = line.item_id AND i.remaining >= line.quantity AND i.price_fen = line.price_fen
      AND EXISTS (SELECT 1 FROM group_buys g WHERE g.id = i.group_buy_id AND g.published_at IS NOT NULL AND g.closed_at IS NULL
                  AND g.opens_at <= now() AND g.closes_at > now())
    RETURNING i.remaining INTO left_after;
    IF NOT FOUND THEN RAISE EXCEPTION 'NOT_TAKEN' USING ERRCODE = 'P0001'; END IF;
    taken_items := taken_items || json_build_object('id', line.item_id, 'remaining', left_after);
  END LOOP;

  outcome := 'PLACED';
  created_ms := extract(epoch FROM created) * 1000;
  taken := array_to_json(taken_items);
END
$$;
