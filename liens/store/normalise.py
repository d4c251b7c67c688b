"""The SQL that turns staged rows into canonical rows: parsing, validation, event ids.

Kept apart from the transaction logic in ``ingest.py`` so the rules can be read in one place.
Every rule that rejects a row gives the reason the user will read in ``liens quarantine``.
"""

from __future__ import annotations

__all__ = ["EVENT_STATUS_SQL", "MACROS_SQL", "NORMALISE_EVENTS_SQL", "REPEATED_IDS_SQL"]

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

# Parameters: $platform (default platform), $tz (zone for naive times).
# The content hash covers what makes two events the same; the id of an event without one of
# its own is platform:h<16 hex digits of it>, plus :n for the n-th identical row of the file.
NORMALISE_EVENTS_SQL = r"""
CREATE OR REPLACE TEMP TABLE norm_events AS
WITH s AS (
  SELECT s0.* REPLACE (
    coalesce(nullif(trim(s0.platform), ''), $platform) AS platform,
    coalesce(k.canonical, lower(trim(s0.kind))) AS kind),
    nullif(trim(s0.kind), '') AS kind_given,
    nullif(trim(s0.created_at), '') AS ts_s,
    try_cast(nullif(trim(s0.created_at), '') AS DOUBLE) AS ts_num
  FROM stage_events s0 LEFT JOIN kind_map k ON k.raw = lower(trim(s0.kind))
), p AS (
  SELECT *,
    CASE WHEN ts_num IS NOT NULL THEN liens_ts_num(ts_num) ELSE liens_ts_text(ts_s) END AS p_ts,
    CASE WHEN nullif(trim(source_tz), '') IS NOT NULL THEN trim(source_tz)
         WHEN ts_num IS NOT NULL THEN 'UTC'
         ELSE liens_zone_of(ts_s, $tz) END AS p_tz
  FROM s
), r AS (
  SELECT *,
    CASE
      WHEN platform IS NULL THEN 'missing platform (give --platform NAME)'
      WHEN kind_given IS NULL THEN 'missing kind'
      WHEN NOT regexp_full_match(kind, '[a-z][a-z0-9_]{0,31}')
        THEN 'kind ''' || kind_given || ''' is not a kind name (letters, digits, _)'
      WHEN value IS NOT NULL AND trim(value) <> '' AND try_cast(value AS DOUBLE) IS NULL
        THEN 'value ''' || value || ''' is not a number'
      ELSE liens_ts_reason(ts_s, p_ts, 'created_at')
    END AS _reason,
    CASE
      WHEN platform IS NULL THEN 'platform'
      WHEN kind_given IS NULL OR NOT regexp_full_match(kind, '[a-z][a-z0-9_]{0,31}')
        THEN 'kind'
      WHEN value IS NOT NULL AND trim(value) <> '' AND try_cast(value AS DOUBLE) IS NULL
        THEN 'value'
      ELSE 'created_at'
    END AS _field,
    md5(concat_ws(chr(31), coalesce(kind, ''), coalesce(actor, ''), coalesce(target, ''),
      coalesce(p_ts::VARCHAR, ''), coalesce(post_id, ''), coalesce(parent_post_id, ''),
      coalesce(text, ''), coalesce(context, ''), coalesce(value, ''))) AS _hash,
    CASE WHEN nullif(trim(event_id), '') IS NOT NULL THEN
      CASE WHEN starts_with(trim(event_id), platform || ':') THEN trim(event_id)
           ELSE platform || ':' || trim(event_id) END
    END AS _given_id
  FROM p
), repeated AS (
  SELECT _hash FROM r WHERE _given_id IS NULL GROUP BY _hash HAVING count(*) > 1
), occurrence AS (
  SELECT _row, row_number() OVER (PARTITION BY _hash ORDER BY _row) AS _occ
  FROM r SEMI JOIN repeated USING (_hash) WHERE _given_id IS NULL
)
-- Narrow on purpose: the wide staged row is joined back by _row only where it is written.
SELECT _row, _record, platform, kind, p_ts, p_tz, _reason, _field, _hash, _given_id,
  coalesce(_given_id, platform || ':h' || substr(_hash, 1, 16) ||
    CASE WHEN coalesce(o._occ, 1) > 1 THEN ':' || o._occ ELSE '' END) AS _eid
FROM r LEFT JOIN occurrence o USING (_row)
"""

# Within one file the first record of an id wins; a later identical record is a duplicate, a
# later different one a conflict (quarantined, never merged). Only ids given by the source can
# repeat, so only those are ranked.
REPEATED_IDS_SQL = r"""
CREATE OR REPLACE TEMP TABLE repeated_ids AS
WITH ids AS (
  SELECT _eid FROM norm_events WHERE _reason IS NULL AND _given_id IS NOT NULL
  GROUP BY _eid HAVING count(*) > 1)
SELECT _row, row_number() OVER w AS _rn, first_value(_hash) OVER w AS _first_hash,
  first_value(_record) OVER w AS _first_record
FROM norm_events SEMI JOIN ids USING (_eid) WHERE _reason IS NULL
WINDOW w AS (PARTITION BY _eid ORDER BY _row)
"""

EVENT_STATUS_SQL = r"""
CREATE OR REPLACE TEMP TABLE status_events AS
SELECT n._row, n._record, n.platform, n.kind, n.p_ts, n.p_tz, n._eid, d._first_record,
  CASE
    WHEN d._rn > 1 AND n._hash = d._first_hash THEN 'duplicate'
    WHEN d._rn > 1 THEN 'conflict'
    WHEN n._eid IN (SELECT event_id FROM events) THEN 'duplicate'
    ELSE 'accepted'
  END AS _status
FROM norm_events n LEFT JOIN repeated_ids d USING (_row)
WHERE n._reason IS NULL
"""
