-- The name windows are a search index derived from enterprises.name, written only by the store
-- beside the enterprise itself (enterprises are never deleted). Their foreign key cost a lookup
-- per window — a province's registry import writes about a million — for no protection the
-- writers do not already give: dropped on PostgreSQL (issue 11: 100,000 enterprises in ≤ 5 s).
ALTER TABLE enterprise_name_grams DROP CONSTRAINT IF EXISTS enterprise_name_grams_enterprise_id_fkey;
