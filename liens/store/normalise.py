"""The SQL that turns staged rows into canonical rows: parsing, validation, event ids.

Kept apart from the transaction logic in ``ingest.py`` so the rules can be read in one place.
Every rule that rejects a row gives the reason the user will read in ``liens quarantine``.
"""

from __future__ import annotations

__all__ = [
    "MACROS_SQL",
    "NEW_EVENTS_SQL",
    "OCCURRENCE_SQL",
    "REPEATED_IDS_SQL",
    "STAGE_EVENTS_SQL",
]

# Timestamps: numbers are unix seconds (1e8..1e10, i.e. 1973..2286) or milliseconds
# (1e11..1e13); text is ISO 8601 (naive times read in the session time zone, which the
# importer sets to --tz), RFC 2822, or the Twitter API v1.1 form. Results are UTC TIMESTAMPs.
MACROS_SQL = r"""
CREATE OR REPLACE TEMP MACRO liens_ts_num(n) AS (
  CASE
    WHEN n >= 1e8 AND n < 1e10 THEN make_timestamp(CAST(round(n * 1e6) AS BIGINT))
    WHEN n >= 1e11 AND n < 1e13 THEN make_timestamp(CAST(round(n * 1e3) AS BIGINT))
  END);
CREATE OR REPLACE TEMP MACRO liens_ts_text(s) AS (
  timezone('UTC', coalesce(
    try_cast(s AS TIMESTAMPTZ),
    try_strptime(s, '%a, %d %b %Y %H:%M:%S %z'),
    try_strptime(s, '%d %b %Y %H:%M:%S %z'),
    try_strptime(s, '%a %b %d %H:%M:%S %z %Y'))));
CREATE OR REPLACE TEMP MACRO liens_ts(raw) AS (
  CASE WHEN try_cast(nullif(trim(raw), '') AS DOUBLE) IS NOT NULL
       THEN liens_ts_num(try_cast(trim(raw) AS DOUBLE))
       ELSE liens_ts_text(nullif(trim(raw), '')) END);
CREATE OR REPLACE TEMP MACRO liens_zone_of(s, default_tz) AS (
  CASE
    WHEN regexp_matches(s, '(Z|UTC|GMT)$') THEN 'UTC'
    WHEN regexp_matches(s, '[+-]\d{2}:?\d{2}$') THEN regexp_extract(s, '([+-]\d{2}:?\d{2})$', 1)
    WHEN regexp_matches(s, '[+-]\d{4} \d{4}$') THEN regexp_extract(s, '([+-]\d{4}) \d{4}$', 1)
    ELSE default_tz
  END);
CREATE OR REPLACE TEMP MACRO liens_ts_reason(raw, parsed, col) AS (
  CASE
    WHEN raw IS NULL OR trim(raw) = '' THEN 'missing ' || col
    WHEN parsed IS NULL THEN 'unknown timestamp format ''' || raw ||
         ''' (expected ISO 8601, unix seconds or milliseconds, or RFC 2822)'
    WHEN parsed < TIMESTAMP '1971-01-01' THEN 'timestamp ' || parsed::VARCHAR ||
         ' is before 1971: probably a missing value'
    WHEN parsed > (now() AT TIME ZONE 'UTC') + INTERVAL 1 DAY THEN 'timestamp ' ||
         parsed::VARCHAR || ' is in the future'
  END);
"""

# Computed columns added to each event row as it is staged: one pass over the data.
# Parameters: $platform (default platform), $tz (zone for naive times). {casts} is the list of
# the chunk's columns cast to the staging types, {kind_case} the CASE giving canonical kinds.
# The content hash covers what makes two events the same; an event without an id of its own
# gets platform:h<16 hex digits of it>, plus :n for the n-th identical row of the file.
STAGE_EVENTS_SQL = r"""
INSERT INTO stage_events BY NAME
WITH c AS (SELECT {casts} FROM _chunk),
s AS (
  SELECT c.*,
    coalesce(nullif(trim(c.platform), ''), $platform) AS n_platform,
    {kind_case} AS n_kind,
    nullif(trim(c.kind), '') AS kind_given,
    nullif(trim(c.created_at), '') AS ts_s,
    try_cast(nullif(trim(c.created_at), '') AS DOUBLE) AS ts_num
  FROM c
), p AS (
  SELECT *,
    CASE WHEN ts_num IS NOT NULL THEN liens_ts_num(ts_num) ELSE liens_ts_text(ts_s) END AS p_ts,
    CASE WHEN nullif(trim(source_tz), '') IS NOT NULL THEN trim(source_tz)
         WHEN ts_num IS NOT NULL THEN 'UTC'
         ELSE liens_zone_of(ts_s, $tz) END AS p_tz
  FROM s
)
SELECT * EXCLUDE (kind_given, ts_s, ts_num),
  CASE
    WHEN n_platform IS NULL THEN 'missing platform (give --platform NAME)'
    WHEN kind_given IS NULL THEN 'missing kind'
    WHEN NOT regexp_full_match(n_kind, '[a-z][a-z0-9_]{{0,31}}')
      THEN 'kind ''' || kind_given || ''' is not a kind name (letters, digits, _)'
    WHEN value IS NOT NULL AND trim(value) <> '' AND try_cast(value AS DOUBLE) IS NULL
      THEN 'value ''' || value || ''' is not a number'
    ELSE liens_ts_reason(ts_s, p_ts, 'created_at')
  END AS _reason,
  CASE
    WHEN n_platform IS NULL THEN 'platform'
    WHEN kind_given IS NULL OR NOT regexp_full_match(n_kind, '[a-z][a-z0-9_]{{0,31}}')
      THEN 'kind'
    WHEN value IS NOT NULL AND trim(value) <> '' AND try_cast(value AS DOUBLE) IS NULL
      THEN 'value'
    ELSE 'created_at'
  END AS _field,
  md5(concat_ws(chr(31), coalesce(n_kind, ''), coalesce(actor, ''), coalesce(target, ''),
    coalesce(p_ts::VARCHAR, ''), coalesce(post_id, ''), coalesce(parent_post_id, ''),
    coalesce(text, ''), coalesce(context, ''), coalesce(value, ''))) AS _hash,
  CASE WHEN nullif(trim(event_id), '') IS NOT NULL THEN
    CASE WHEN starts_with(trim(event_id), n_platform || ':') THEN trim(event_id)
         ELSE n_platform || ':' || trim(event_id) END
  END AS _given_id
FROM p
"""

# Identical rows of one file without ids: the n-th copy is numbered (usually a tiny table).
OCCURRENCE_SQL = r"""
CREATE OR REPLACE TEMP TABLE occurrence AS
WITH repeated AS (
  SELECT _hash FROM stage_events WHERE _reason IS NULL AND _given_id IS NULL
  GROUP BY _hash HAVING count(*) > 1)
SELECT _row, row_number() OVER (PARTITION BY _hash ORDER BY _row) AS _occ
FROM stage_events SEMI JOIN repeated USING (_hash)
WHERE _reason IS NULL AND _given_id IS NULL
"""

# Ids the source repeats within the file: the first record wins; a later identical record is a
# duplicate, a later different one a conflict (quarantined, never merged).
REPEATED_IDS_SQL = r"""
CREATE OR REPLACE TEMP TABLE repeated_ids AS
WITH ids AS (
  SELECT _given_id FROM stage_events WHERE _reason IS NULL AND _given_id IS NOT NULL
  GROUP BY _given_id HAVING count(*) > 1)
SELECT _row, _record, _given_id, row_number() OVER w AS _rn, _hash,
  first_value(_hash) OVER w AS _first_hash, first_value(_record) OVER w AS _first_record
FROM stage_events SEMI JOIN ids USING (_given_id) WHERE _reason IS NULL
WINDOW w AS (PARTITION BY _given_id ORDER BY _row)
"""

# The valid rows that are new: first of their id in the file and not already in the workspace.
NEW_EVENTS_SQL = r"""
SELECT * FROM (
  SELECT s.*, coalesce(s._given_id, s.n_platform || ':h' || substr(s._hash, 1, 16) ||
      CASE WHEN coalesce(o._occ, 1) > 1 THEN ':' || o._occ ELSE '' END) AS _eid
  FROM stage_events s
  LEFT JOIN occurrence o USING (_row)
  LEFT JOIN repeated_ids r USING (_row)
  WHERE s._reason IS NULL AND coalesce(r._rn, 1) = 1
) WHERE _eid NOT IN (SELECT event_id FROM events)
"""
