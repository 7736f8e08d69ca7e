"""PostgreSQL: metrics_touch(sources, regions, days), the dirty-cell marking of metrics.dirty as a function, so
that a writer can mark its cells inside its own write statement (one round trip, no transaction of its own)."""

from django.db import migrations

# The statement of the former Python loop, retried inside the function: each retry is a new statement with a
# new snapshot, so a cell that a concurrent writer inserted and committed meanwhile is found and share-locked.
CREATE = """
CREATE OR REPLACE FUNCTION metrics_touch(p_sources varchar[], p_regions bigint[], p_days date[])
RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    wanted integer := coalesce(cardinality(p_sources), 0);
    got integer;
BEGIN
    FOR attempt IN 1..5 LOOP
        WITH cells (source, region_id, day) AS MATERIALIZED (
                SELECT * FROM unnest(p_sources, p_regions, p_days)),
             held AS MATERIALIZED (
                SELECT d.source, d.region_id, d.day FROM metrics_dirtycell d
                JOIN cells c ON d.source = c.source AND d.region_id = c.region_id AND d.day = c.day
                ORDER BY d.region_id, d.day, d.source FOR KEY SHARE OF d),
             added AS (
                INSERT INTO metrics_dirtycell (source, region_id, day, marked_at)
                SELECT c.source, c.region_id, c.day, now() FROM cells c
                WHERE NOT EXISTS (SELECT FROM held h WHERE h.source = c.source AND h.region_id = c.region_id
                                  AND h.day = c.day)
                ORDER BY c.region_id, c.day, c.source
                ON CONFLICT (source, region_id, day) DO NOTHING RETURNING 1)
        SELECT (SELECT count(*) FROM held) + (SELECT count(*) FROM added) INTO got;
        IF got >= wanted THEN
            RETURN got;
        END IF;
    END LOOP;
    RAISE EXCEPTION 'metrics: could not mark dirty cells';  -- five races in a row: never seen
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS metrics_touch(varchar[], bigint[], date[]);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0002_rollup")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
