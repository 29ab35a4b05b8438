/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-schema"

#include "config.h"

#include <string.h>

#include "evg-attendance.h"
#include "evg-checkin.h"
#include "evg-feedback.h"
#include "evg-meeting.h"
#include "evg-meeting-addendum.h"
#include "evg-meeting-plan.h"
#include "evg-member.h"
#include "evg-resolution.h"
#include "evg-party-group.h"
#include "evg-schema.h"
#include "evg-sync-protocol.h"
#include "evg-transfer.h"
#include "evg-validate.h"
#include "evg-whistle.h"

/* Each migration runs in its own transaction and moves user_version up by
 * one.  Never edit a migration that has shipped: append a new one. */
/* The events the inbox's rates read, and the statement that writes a
 * message's row of feedback_rate_input (migration 11 -> 12) from it and
 * its events, for the messages @where picks. */
#define RATE_EVENT_KINDS "'contacted', 'waiting', 'reply', 'callback', 'excluded'"
#define RATE_INPUT_OF(where) \
  "  INSERT OR REPLACE INTO feedback_rate_input" \
  "    SELECT f.received_at, f.rowid, f.category, f.response_due, f.merged_into IS NOT NULL," \
  "      (SELECT group_concat (e.kind || '|' || ifnull (e.at, '') || '|' || ifnull (e.resolved, '')" \
  "                            || '|' || ifnull (e.satisfied, '') || '|' || e.rowid, ';')" \
  "       FROM feedback_event e" \
  "       WHERE e.feedback_id = f.id AND e.deleted = 0 AND e.kind IN (" RATE_EVENT_KINDS "))" \
  "    FROM feedback f WHERE " where " AND f.deleted = 0 AND f.received_at IS NOT NULL;"

static const char * const migrations[] = {
  /* 0 → 1: bookkeeping for sync and the first synced table. */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE sync_state ("
  "  id           INTEGER PRIMARY KEY CHECK (id = 1),"
  "  site_id      TEXT NOT NULL,"
  "  last_hlc     TEXT NOT NULL,"
  "  pull_cursor  INTEGER NOT NULL DEFAULT 0,"
  "  server_epoch TEXT,"
  "  last_sync_at INTEGER,"
  "  last_error   TEXT"
  ");"
  "INSERT INTO sync_state (id, site_id, last_hlc)"
  "  VALUES (1, lower(hex(randomblob(16))), '0000000000000000');"
  /* An outbox entry's `fields` is the JSON object of the values it sets,
   * except that an insert's is '' (never a JSON object, so it cannot be
   * mistaken for one) when the entry points at its row instead of copying
   * it: the values are then read from the row when the entry is sent (see
   * evg_sync_take_batch()).  Inserts of every table whose spec does not ask
   * for insert_keeps_values are written so; a bulk import then writes each
   * member once instead of twice.  The comment in evg-sync-outbox.c says why
   * sending a row's current values under its insert's clock is sound. */
  "CREATE TABLE outbox ("
  "  seq       INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  change_id TEXT NOT NULL UNIQUE,"
  "  tbl       TEXT NOT NULL,"
  "  row_id    TEXT NOT NULL,"
  "  op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),"
  "  fields    TEXT NOT NULL,"
  "  hlc       TEXT NOT NULL,"
  "  base_hlc  TEXT,"
  "  batch_id  TEXT,"
  "  state     TEXT NOT NULL DEFAULT 'pending'"
  "            CHECK (state IN ('pending', 'sent', 'acked'))"
  ");"
  "CREATE INDEX outbox_by_state ON outbox (state, seq);"
  "CREATE TABLE conflicts ("
  "  id           INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  tbl          TEXT NOT NULL,"
  "  row_id       TEXT NOT NULL,"
  "  kind         TEXT NOT NULL,"
  "  local_value  TEXT,"
  "  remote_value TEXT,"
  "  change_id    TEXT,"
  "  created_at   INTEGER NOT NULL,"
  "  resolved_at  INTEGER,"
  "  resolution   TEXT"
  ");"
  "CREATE INDEX conflicts_open ON conflicts (resolved_at);"
  "CREATE TABLE party_group ("
  "  id         TEXT PRIMARY KEY,"
  "  branch     TEXT NOT NULL,"
  "  hlc        TEXT NOT NULL,"
  "  field_hlc  TEXT NOT NULL,"
  "  deleted    INTEGER NOT NULL DEFAULT 0,"
  "  name       TEXT NOT NULL,"
  "  sort_order INTEGER NOT NULL DEFAULT 0"
  ");",

  /* 1 → 2: the member roster, in the order of the national member form.
   * Dates are ISO text, flags 0/1, enumerations short English codes.  The
   * party group reference is checked at commit so that a sync page may bring
   * a member before its group. */
  "CREATE TABLE member ("
  "  id                 TEXT PRIMARY KEY,"
  "  branch             TEXT NOT NULL,"
  "  hlc                TEXT NOT NULL,"
  "  field_hlc          TEXT NOT NULL,"
  "  deleted            INTEGER NOT NULL DEFAULT 0,"
  "  name               TEXT NOT NULL DEFAULT '',"
  "  gender             TEXT,"
  "  ethnicity          TEXT,"
  "  id_number          TEXT,"
  "  birth_date         TEXT,"
  "  education          TEXT,"
  "  category           TEXT,"
  "  party_group_id     TEXT REFERENCES party_group (id) DEFERRABLE INITIALLY DEFERRED,"
  "  joined_on          TEXT,"
  "  full_member_on     TEXT,"
  "  occupation         TEXT,"
  "  phone              TEXT,"
  "  address            TEXT,"
  "  standing           TEXT,"
  "  lost_contact       INTEGER NOT NULL DEFAULT 0,"
  "  lost_contact_on    TEXT,"
  "  mobile_member      INTEGER NOT NULL DEFAULT 0,"
  "  mobile_destination TEXT,"
  "  party_post         TEXT,"
  "  work_unit          TEXT,"
  "  community          TEXT,"
  "  dues_monthly       TEXT,"
  "  dues_paid_until    TEXT,"
  "  note               TEXT,"
  "  left_reason        TEXT,"
  "  left_on            TEXT"
  ");"
  "CREATE UNIQUE INDEX member_id_number ON member (id_number)"
  "  WHERE deleted = 0 AND id_number IS NOT NULL;"
  "CREATE INDEX member_party_group ON member (party_group_id) WHERE deleted = 0;",
  /* 2 → 3: membership transfers (组织关系转接).  The sending branch makes
   * one naming the receiving branch's code; the server routes it there, and
   * when the receiver sets status to 'accepted' the server moves the member
   * to the receiving branch. */
  "CREATE TABLE transfer ("
  "  id          TEXT PRIMARY KEY,"
  "  branch      TEXT NOT NULL,"
  "  hlc         TEXT NOT NULL,"
  "  field_hlc   TEXT NOT NULL,"
  "  deleted     INTEGER NOT NULL DEFAULT 0,"
  "  member_id   TEXT NOT NULL,"
  "  from_branch TEXT,"
  "  to_branch   TEXT NOT NULL,"
  "  status      TEXT NOT NULL DEFAULT 'issued',"
  "  issued_on   TEXT,"
  "  accepted_on TEXT,"
  "  note        TEXT"
  ");"
  "CREATE INDEX transfer_member ON transfer (member_id);",
  /* 3 → 4: the outbox again, its checks written with OR.  SQLite checks
   * `x IN (constants)` by building a small table of the constants for each
   * row written, which cost a third of an import's SQLite work; equality
   * tests cost next to nothing.  Rows keep their seq, and the sequence
   * keeps its place, so no seq is ever handed out twice. */
  "CREATE TABLE outbox_new ("
  "  seq       INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  change_id TEXT NOT NULL UNIQUE,"
  "  tbl       TEXT NOT NULL,"
  "  row_id    TEXT NOT NULL,"
  "  op        TEXT NOT NULL CHECK (op = 'insert' OR op = 'update' OR op = 'delete'),"
  "  fields    TEXT NOT NULL,"
  "  hlc       TEXT NOT NULL,"
  "  base_hlc  TEXT,"
  "  batch_id  TEXT,"
  "  state     TEXT NOT NULL DEFAULT 'pending'"
  "            CHECK (state = 'pending' OR state = 'sent' OR state = 'acked')"
  ");"
  "INSERT INTO outbox_new (seq, change_id, tbl, row_id, op, fields, hlc, base_hlc, batch_id, state)"
  "  SELECT seq, change_id, tbl, row_id, op, fields, hlc, base_hlc, batch_id, state FROM outbox;"
  "INSERT INTO sqlite_sequence (name, seq)"
  "  SELECT 'outbox_new', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_new');"
  "UPDATE sqlite_sequence SET seq = max (seq, coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0))"
  "  WHERE name = 'outbox_new';"
  "DROP TABLE outbox;"
  "ALTER TABLE outbox_new RENAME TO outbox;"
  "CREATE INDEX outbox_by_state ON outbox (state, seq);",
  /* 4 → 5: an entry's batch and state are kept once per batch, not once
   * per entry.  Entries go out in seq order and batches are answered in
   * the order they were sent, so the state of every entry follows from
   * two things: sync_state.acked_seq, the seq up to which every entry is
   * acknowledged, and outbox_batch, the batches on their way, each the
   * entries of a seq range after it.  An entry past both is pending.
   * Writing 'sent' and then 'acked' into every entry, with its batch id
   * and an index on both, cost the client as much as the server's whole
   * work on a first upload.  The view outbox_status shows each entry with
   * its batch and state as before.
   *
   * Entries acknowledged before the first one that is not are acked; the
   * rest are pending, batches on their way included: they go out again in
   * new batches, which the server answers as duplicates where it has the
   * change already (by change_id), so nothing is applied twice. */
  "ALTER TABLE sync_state ADD COLUMN acked_seq INTEGER NOT NULL DEFAULT 0;"
  "UPDATE sync_state SET acked_seq = coalesce ("
  "  (SELECT min (seq) - 1 FROM outbox WHERE state != 'acked'),"
  "  (SELECT max (seq) FROM outbox), 0);"
  "CREATE TABLE outbox_batch ("
  "  batch_id  TEXT PRIMARY KEY,"
  "  first_seq INTEGER NOT NULL,"
  "  last_seq  INTEGER NOT NULL CHECK (last_seq >= first_seq)"
  ");"
  "DROP INDEX outbox_by_state;"
  "ALTER TABLE outbox DROP COLUMN state;"
  "ALTER TABLE outbox DROP COLUMN batch_id;"
  "CREATE VIEW outbox_status AS"
  "  SELECT o.seq, o.change_id, b.batch_id,"
  "         CASE WHEN o.seq <= s.acked_seq THEN 'acked'"
  "              WHEN b.batch_id IS NOT NULL THEN 'sent'"
  "              ELSE 'pending' END AS state"
  "  FROM outbox o JOIN sync_state s ON s.id = 1"
  "  LEFT JOIN outbox_batch b ON o.seq > s.acked_seq AND o.seq BETWEEN b.first_seq AND b.last_seq;",
  /* 5 → 6: the server's sequence numbers of this database's own changes,
   * as ranges taken from the answers to its pushes (a push is answered
   * with consecutive numbers).  A pull names the ranges after its cursor
   * and the server leaves those changes out instead of sending a stub of
   * each (see evg_server_db_pull()).  n_changes counts the changes the
   * range holds, so the server can tell a range that holds nothing else
   * and pass over it without reading it.  Ranges the cursor has passed are
   * dropped; a server restored from a backup drops them all. */
  "CREATE TABLE own_seq_range ("
  "  first_seq INTEGER PRIMARY KEY,"
  "  last_seq  INTEGER NOT NULL CHECK (last_seq >= first_seq),"
  "  n_changes INTEGER NOT NULL CHECK (n_changes >= 1)"
  ");",
  /* 6 → 7: meetings (三会一课), their resolutions, attendance, the
   * corrections made after signing, and the plans that repeat them.  Times are local "YYYY-MM-DD HH:MM"
   * text, which sorts as time.  No foreign keys: a sync page may bring an
   * attendance before its meeting. */
  "CREATE TABLE meeting ("
  "  id             TEXT PRIMARY KEY,"
  "  branch         TEXT NOT NULL,"
  "  hlc            TEXT NOT NULL,"
  "  field_hlc      TEXT NOT NULL,"
  "  deleted        INTEGER NOT NULL DEFAULT 0,"
  "  type           TEXT,"
  "  title          TEXT,"
  "  starts_at      TEXT,"
  "  ends_at        TEXT,"
  "  place          TEXT,"
  "  chair          TEXT,"
  "  recorder       TEXT,"
  "  party_group_id TEXT,"
  "  agenda         TEXT,"
  "  minutes        TEXT,"
  "  observers      TEXT,"
  "  is_election    INTEGER NOT NULL DEFAULT 0,"
  "  status         TEXT NOT NULL DEFAULT 'planned',"
  "  signed_at      TEXT,"
  "  plan_key       TEXT"
  ");"
  "CREATE INDEX meeting_starts_at ON meeting (starts_at) WHERE deleted = 0;"
  "CREATE TABLE resolution ("
  "  id            TEXT PRIMARY KEY,"
  "  branch        TEXT NOT NULL,"
  "  hlc           TEXT NOT NULL,"
  "  field_hlc     TEXT NOT NULL,"
  "  deleted       INTEGER NOT NULL DEFAULT 0,"
  "  meeting_id    TEXT,"
  "  position      INTEGER NOT NULL DEFAULT 0,"
  "  text          TEXT,"
  "  votes_for     INTEGER,"
  "  votes_against INTEGER,"
  "  votes_abstain INTEGER"
  ");"
  "CREATE INDEX resolution_meeting ON resolution (meeting_id);"
  "CREATE TABLE attendance ("
  "  id              TEXT PRIMARY KEY,"
  "  branch          TEXT NOT NULL,"
  "  hlc             TEXT NOT NULL,"
  "  field_hlc       TEXT NOT NULL,"
  "  deleted         INTEGER NOT NULL DEFAULT 0,"
  "  meeting_id      TEXT,"
  "  member_id       TEXT,"
  "  status          TEXT,"
  "  reason          TEXT,"
  "  approved_by     TEXT,"
  "  excluded_reason TEXT,"
  "  makeup_done_on  TEXT"
  ");"
  "CREATE INDEX attendance_meeting ON attendance (meeting_id, member_id);"
  "CREATE INDEX attendance_member ON attendance (member_id);"
  "CREATE TABLE meeting_addendum ("
  "  id         TEXT PRIMARY KEY,"
  "  branch     TEXT NOT NULL,"
  "  hlc        TEXT NOT NULL,"
  "  field_hlc  TEXT NOT NULL,"
  "  deleted    INTEGER NOT NULL DEFAULT 0,"
  "  meeting_id TEXT,"
  "  written_on TEXT,"
  "  author     TEXT,"
  "  text       TEXT"
  ");"
  "CREATE INDEX meeting_addendum_meeting ON meeting_addendum (meeting_id);"
  "CREATE TABLE meeting_plan ("
  "  id             TEXT PRIMARY KEY,"
  "  branch         TEXT NOT NULL,"
  "  hlc            TEXT NOT NULL,"
  "  field_hlc      TEXT NOT NULL,"
  "  deleted        INTEGER NOT NULL DEFAULT 0,"
  "  type           TEXT,"
  "  title          TEXT,"
  "  party_group_id TEXT,"
  "  rule           TEXT,"
  "  starts_on      TEXT,"
  "  time           TEXT,"
  "  place          TEXT,"
  "  active         INTEGER NOT NULL DEFAULT 1"
  ");",

  /* 7 → 8: 吹哨报到, whistles and the members' check-ins to them. */
  "CREATE TABLE whistle ("
  "  id          TEXT PRIMARY KEY,"
  "  branch      TEXT NOT NULL,"
  "  hlc         TEXT NOT NULL,"
  "  field_hlc   TEXT NOT NULL,"
  "  deleted     INTEGER NOT NULL DEFAULT 0,"
  "  title       TEXT,"
  "  description TEXT,"
  "  category    TEXT,"
  "  place       TEXT,"
  "  starts_at   TEXT,"
  "  ends_at     TEXT,"
  "  needed      INTEGER,"
  "  raised_by   TEXT,"
  "  urgency     TEXT,"
  "  status      TEXT"
  ");"
  "CREATE TABLE checkin ("
  "  id          TEXT PRIMARY KEY,"
  "  branch      TEXT NOT NULL,"
  "  hlc         TEXT NOT NULL,"
  "  field_hlc   TEXT NOT NULL,"
  "  deleted     INTEGER NOT NULL DEFAULT 0,"
  "  whistle_id  TEXT,"
  "  member_id   TEXT,"
  "  reported_at TEXT,"
  "  arrived_at  TEXT,"
  "  left_at     TEXT,"
  "  source      TEXT,"
  "  recorded_by TEXT,"
  "  confirmed   INTEGER NOT NULL DEFAULT 0,"
  "  note        TEXT"
  ");"
  "CREATE INDEX checkin_whistle ON checkin (whistle_id, member_id);"
  "CREATE INDEX checkin_member ON checkin (member_id, arrived_at);",

  /* 8 → 9: the residents' messages (留言板) and what is done with them. */
  "CREATE TABLE feedback ("
  "  id             TEXT PRIMARY KEY,"
  "  branch         TEXT NOT NULL,"
  "  hlc            TEXT NOT NULL,"
  "  field_hlc      TEXT NOT NULL,"
  "  deleted        INTEGER NOT NULL DEFAULT 0,"
  "  received_at    TEXT,"
  "  channel        TEXT,"
  "  from_name      TEXT,"
  "  contact        TEXT,"
  "  category       TEXT,"
  "  content        TEXT,"
  "  place          TEXT,"
  "  status         TEXT,"
  "  assignee       TEXT,"
  "  response_due   TEXT,"
  "  resolution_due TEXT,"
  "  merged_into    TEXT"
  ");"
  "CREATE INDEX feedback_received_at ON feedback (received_at);"
  "CREATE TABLE feedback_event ("
  "  id          TEXT PRIMARY KEY,"
  "  branch      TEXT NOT NULL,"
  "  hlc         TEXT NOT NULL,"
  "  field_hlc   TEXT NOT NULL,"
  "  deleted     INTEGER NOT NULL DEFAULT 0,"
  "  feedback_id TEXT,"
  "  at          TEXT,"
  "  kind        TEXT,"
  "  text        TEXT,"
  "  author      TEXT,"
  "  assignee    TEXT,"
  "  resolved    TEXT,"
  "  satisfied   TEXT,"
  "  other_id    TEXT"
  ");"
  "CREATE INDEX feedback_event_feedback ON feedback_event (feedback_id, at);",

  /* 9 → 10: the inbox opens a million messages from one index, finds
   * them by words of their text (see evg-search-terms.c), and finds the
   * few events that stop or restart their clocks, and their links.  The
   * rates and the clocks read a message's events from its index alone:
   * looking up each event's row made a year's rates of a million
   * messages take seconds (bench-inbox). */
  "DROP INDEX feedback_received_at;"
  "CREATE INDEX feedback_inbox ON feedback (deleted, received_at DESC, id, status, response_due,"
  "  resolution_due, merged_into);"
  "DROP INDEX feedback_event_feedback;"
  "CREATE INDEX feedback_event_feedback ON feedback_event (feedback_id, at, kind, deleted, resolved,"
  "  satisfied);"
  "CREATE INDEX feedback_event_clock ON feedback_event (kind, feedback_id, at, deleted)"
  "  WHERE kind IN ('waiting', 'resumed', 'reopened');"
  "CREATE INDEX feedback_event_other ON feedback_event (other_id) WHERE other_id IS NOT NULL;"
  "CREATE VIRTUAL TABLE feedback_search USING fts5 (terms);"
  "INSERT INTO feedback_search (rowid, terms)"
  "  SELECT rowid, evg_search_terms (from_name, content, place) FROM feedback;"
  "CREATE TRIGGER feedback_search_insert AFTER INSERT ON feedback BEGIN"
  "  INSERT INTO feedback_search (rowid, terms)"
  "    VALUES (new.rowid, evg_search_terms (new.from_name, new.content, new.place));"
  "END;"
  "CREATE TRIGGER feedback_search_update AFTER UPDATE OF from_name, content, place ON feedback BEGIN"
  "  UPDATE feedback_search SET terms = evg_search_terms (new.from_name, new.content, new.place)"
  "    WHERE rowid = new.rowid;"
  "END;"
  "CREATE TRIGGER feedback_search_delete AFTER DELETE ON feedback BEGIN"
  "  DELETE FROM feedback_search WHERE rowid = old.rowid;"
  "END;",

  /* 10 -> 11: every character is a word of its own too, so that one
   * character is found by one list, newest first, and not by merging the
   * lists of every pair it starts (evg-search-terms.c); letters and digits
   * have prefix indexes for the same reason. */
  "DROP TRIGGER feedback_search_insert;"
  "DROP TRIGGER feedback_search_update;"
  "DROP TRIGGER feedback_search_delete;"
  "DROP TABLE feedback_search;"
  "CREATE VIRTUAL TABLE feedback_search USING fts5 (terms, prefix = '1 2');"
  "INSERT INTO feedback_search (rowid, terms)"
  "  SELECT rowid, evg_search_terms (from_name, content, place) FROM feedback;"
  "CREATE TRIGGER feedback_search_insert AFTER INSERT ON feedback BEGIN"
  "  INSERT INTO feedback_search (rowid, terms)"
  "    VALUES (new.rowid, evg_search_terms (new.from_name, new.content, new.place));"
  "END;"
  "CREATE TRIGGER feedback_search_update AFTER UPDATE OF from_name, content, place ON feedback BEGIN"
  "  UPDATE feedback_search SET terms = evg_search_terms (new.from_name, new.content, new.place)"
  "    WHERE rowid = new.rowid;"
  "END;"
  "CREATE TRIGGER feedback_search_delete AFTER DELETE ON feedback BEGIN"
  "  DELETE FROM feedback_search WHERE rowid = old.rowid;"
  "END;",

  /* 11 -> 12: what the rates read (evg-inbox-rates.c), kept by triggers
   * beside each message in the order it was received: the message's
   * category, response due and whether it was merged, and its events that
   * count (kind|at|resolved|satisfied|rowid, joined by ';').  A year's
   * rates over a million messages then read one range of rows instead of
   * searching the events of 125,000 messages by their text ids, which
   * took 125 ms (bench-inbox).  It holds no counts: the rates are worked
   * out from these events each time. */
  "CREATE TABLE feedback_rate_input ("
  "  received_at  TEXT NOT NULL,"
  "  feedback     INTEGER NOT NULL,"
  "  category     TEXT,"
  "  response_due TEXT,"
  "  merged       INTEGER NOT NULL,"
  "  events       TEXT,"
  "  PRIMARY KEY (received_at, feedback)"
  ") WITHOUT ROWID;"
  RATE_INPUT_OF ("1")
  "CREATE TRIGGER feedback_rate_input_insert AFTER INSERT ON feedback BEGIN"
  RATE_INPUT_OF ("f.rowid = new.rowid")
  "END;"
  "CREATE TRIGGER feedback_rate_input_update"
  "  AFTER UPDATE OF received_at, category, response_due, merged_into, deleted ON feedback BEGIN"
  "  DELETE FROM feedback_rate_input WHERE received_at = old.received_at AND feedback = old.rowid;"
  RATE_INPUT_OF ("f.rowid = new.rowid")
  "END;"
  "CREATE TRIGGER feedback_rate_input_delete AFTER DELETE ON feedback BEGIN"
  "  DELETE FROM feedback_rate_input WHERE received_at = old.received_at AND feedback = old.rowid;"
  "END;"
  "CREATE TRIGGER feedback_rate_input_event_insert AFTER INSERT ON feedback_event"
  "  WHEN new.deleted = 0 AND new.kind IN (" RATE_EVENT_KINDS ") BEGIN"
  RATE_INPUT_OF ("f.id = new.feedback_id")
  "END;"
  "CREATE TRIGGER feedback_rate_input_event_update"
  "  AFTER UPDATE OF feedback_id, at, kind, deleted, resolved, satisfied ON feedback_event BEGIN"
  RATE_INPUT_OF ("f.id = old.feedback_id AND old.feedback_id IS NOT new.feedback_id")
  RATE_INPUT_OF ("f.id = new.feedback_id")
  "END;"
  "CREATE TRIGGER feedback_rate_input_event_delete AFTER DELETE ON feedback_event BEGIN"
  RATE_INPUT_OF ("f.id = old.feedback_id")
  "END;"
  /* The due times a branch set before the server kept them for its public
   * page: the next sync sends them (EVG_SYNC_META_PAGE_SETTINGS). */
  "INSERT OR IGNORE INTO meta (key, value)"
  "  SELECT 'sync_page_settings', '{\"respond_hours\":' || CAST (r.value AS INTEGER)"
  "                               || ',\"resolve_hours\":' || CAST (s.value AS INTEGER) || '}'"
  "  FROM meta r JOIN meta s ON r.key = 'feedback_respond_hours' AND s.key = 'feedback_resolve_hours'"
  "  WHERE CAST (r.value AS INTEGER) BETWEEN 1 AND CAST (s.value AS INTEGER)"
  "    AND CAST (s.value AS INTEGER) <= 8760;",
};



static const EvgTableSpec *tables[] = {
  &evg_party_group_table,
  &evg_member_table,
  &evg_transfer_table,
  &evg_meeting_table,
  &evg_resolution_table,
  &evg_attendance_table,
  &evg_meeting_addendum_table,
  &evg_meeting_plan_table,
  &evg_whistle_table,
  &evg_checkin_table,
  &evg_feedback_table,
  &evg_feedback_event_table,
};

const EvgTableSpec **
evg_schema_get_tables (guint *n_tables)
{
  if (n_tables != NULL)
    *n_tables = G_N_ELEMENTS (tables);
  return tables;
}

const EvgTableSpec *
evg_schema_lookup_table (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (g_strcmp0 (tables[i]->name, name) == 0)
      return tables[i];
  return NULL;
}

const EvgColumnSpec *
evg_table_spec_lookup_column (const EvgTableSpec *spec,
                              const char         *column)
{
  int i = evg_table_spec_find_column (spec, column);

  return i >= 0 ? &spec->columns[i] : NULL;
}

/**
 * evg_column_spec_find_choice:
 *
 * Returns: (nullable): the choice of @column stored as @code
 */
const EvgChoice *
evg_column_spec_find_choice (const EvgColumnSpec *column,
                             const char          *code)
{
  g_return_val_if_fail (column != NULL, NULL);

  if (code == NULL)
    return NULL;
  for (guint i = 0; i < column->n_choices; i++)
    if (g_str_equal (column->choices[i].code, code))
      return &column->choices[i];
  return NULL;
}

int
evg_table_spec_find_column (const EvgTableSpec *spec,
                            const char         *column)
{
  for (guint i = 0; i < spec->n_columns; i++)
    if (strcmp (spec->columns[i].name, column) == 0)
      return (int) i;
  return -1;
}

/**
 * evg_table_spec_check_text:
 *
 * Whether @text may be stored in column @column of @spec, a text column:
 * its length and, through the table's own check, its form.
 *
 * Returns: (nullable): %NULL when it may, else why not (English)
 */
const char *
evg_table_spec_check_text (const EvgTableSpec *spec,
                           guint               column,
                           const char         *text)
{
  const EvgColumnSpec *col;
  guint max;

  g_return_val_if_fail (spec != NULL && column < spec->n_columns && text != NULL, "no such column");

  col = &spec->columns[column];
  if (col->type != EVG_COLUMN_TEXT)
    return "a number is needed";
  max = col->max_chars != 0 ? col->max_chars : EVG_SCHEMA_DEFAULT_MAX_CHARS;
  /* Bytes first: no character takes less than one, and a huge text is
   * refused without counting it. */
  if (strlen (text) > (gsize) max * 4 || g_utf8_strlen (text, -1) > (glong) max)
    return "too long";
  return spec->check_text != NULL ? spec->check_text (column, text)
                                  : evg_column_spec_check_kind (col, text);
}

/**
 * evg_column_spec_check_kind:
 *
 * Whether @text has the form of @column's kind: one of its choices, a
 * date, a date and time, a flag, an id.  Tables without a check of their
 * own (EvgTableSpec.check_text) are checked by this alone.
 *
 * Returns: (nullable): %NULL when it has, else why not (English)
 */
const char *
evg_column_spec_check_kind (const EvgColumnSpec *column,
                            const char          *text)
{
  GDate date;

  switch (column->kind)
    {
    case EVG_FIELD_KIND_CHOICE:
      return evg_column_spec_find_choice (column, text) != NULL ? NULL : "not one of the choices";
    case EVG_FIELD_KIND_DATE:
      return strlen (text) == 10 && text[4] == '-' && text[7] == '-' && evg_parse_date (text, &date)
             ? NULL : "not a date (YYYY-MM-DD)";
    case EVG_FIELD_KIND_DATE_TIME:
      if (strlen (text) != 16 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
          !g_ascii_isdigit (text[11]) || !g_ascii_isdigit (text[12]) ||
          !g_ascii_isdigit (text[14]) || !g_ascii_isdigit (text[15]) ||
          (text[11] - '0') * 10 + (text[12] - '0') > 23 || text[14] > '5')
        return "not a date and time (YYYY-MM-DD HH:MM)";
      {
        char day[11];

        memcpy (day, text, 10);
        day[10] = '\0';
        return evg_parse_date (day, &date) ? NULL : "not a date and time (YYYY-MM-DD HH:MM)";
      }
    case EVG_FIELD_KIND_REFERENCE:
    case EVG_FIELD_KIND_PARTY_GROUP:
      return evg_sync_id_is_valid (text) ? NULL : "not the id of a record";
    case EVG_FIELD_KIND_BOOLEAN:
      return g_str_equal (text, "0") || g_str_equal (text, "1") ? NULL : "not 0 or 1";
    case EVG_FIELD_KIND_PHONE:
      {
        g_autofree char *problem = evg_phone_check (text);

        return problem == NULL ? NULL : "not a phone number";
      }
    default:
      return NULL;
    }
}

static gboolean
strv_has (const char * const *list,
          const char         *item)
{
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    if (g_strcmp0 (list[i], item) == 0)
      return TRUE;
  return FALSE;
}

/**
 * evg_table_spec_check_state:
 * @exists: whether the record is stored already
 * @stored_state: (nullable): its state when it is
 * @sets_state: whether the change writes the state column
 * @new_state: (nullable): the state the change writes
 * @sets_others: whether the change writes other columns, or deletes
 *
 * The table's state machine (see EvgTableSpec): a new record starts in
 * the initial state, a state moves only along a listed transition, and a
 * record in a locked state takes no change at all.
 *
 * Returns: (nullable): %NULL when the change may be made, else the reason
 *   (`locked`, `forward_only`), as a server's rejection names it
 */
const char *
evg_table_spec_check_state (const EvgTableSpec *spec,
                            gboolean            exists,
                            const char         *stored_state,
                            gboolean            sets_state,
                            const char         *new_state,
                            gboolean            sets_others)
{
  g_autofree char *move = NULL;

  g_return_val_if_fail (spec != NULL, "invalid");

  if (spec->state_column == NULL)
    return NULL;
  if (!exists)
    return !sets_state || g_strcmp0 (new_state, spec->initial_state) == 0 ? NULL : "forward_only";
  /* A record written without its state has the first one (the column's
   * default, where SQLite keeps the record). */
  if (stored_state == NULL)
    stored_state = spec->initial_state;
  if (strv_has (spec->locked_states, stored_state) &&
      (sets_others || (sets_state && g_strcmp0 (new_state, stored_state) != 0)))
    return "locked";
  if (!sets_state || g_strcmp0 (new_state, stored_state) == 0)
    return NULL;
  move = g_strdup_printf ("%s>%s", stored_state != NULL ? stored_state : "",
                          new_state != NULL ? new_state : "");
  return strv_has (spec->transitions, move) ? NULL : "forward_only";
}

/**
 * evg_table_spec_check_int:
 *
 * Whether @value may be stored in column @column of @spec, an integer
 * column.
 *
 * Returns: (nullable): %NULL when it may, else why not (English)
 */
const char *
evg_table_spec_check_int (const EvgTableSpec *spec,
                          guint               column,
                          gint64              value)
{
  const EvgColumnSpec *col;

  g_return_val_if_fail (spec != NULL && column < spec->n_columns, "no such column");

  col = &spec->columns[column];
  if (col->type != EVG_COLUMN_INT)
    return "a string is needed";
  if ((col->min != 0 || col->max != 0) && (value < col->min || value > col->max))
    return "out of range";
  return NULL;
}

/**
 * evg_table_spec_make_key_id:
 * @values: the values of the table's key columns, in their order
 *
 * The id of the record of a keyed table (see EvgTableSpec.key_columns)
 * whose key holds @values: the same on every replica, shaped like the
 * other ids (a UUID, its version nibble 8 for "made from a name"), from
 * SHA-256 of the table and the values.
 *
 * Returns: (transfer full) (nullable): the id, or %NULL when a value is
 *   missing
 */
char *
evg_table_spec_make_key_id (const EvgTableSpec *spec,
                            const char * const *values)
{
  g_return_val_if_fail (spec != NULL && spec->key_columns != NULL, NULL);

  for (guint i = 0; spec->key_columns[i] != NULL; i++)
    if (values[i] == NULL || values[i][0] == '\0')
      return NULL;
  return evg_table_spec_make_name_id (spec, values);
}

/**
 * evg_table_spec_make_name_id:
 * @parts: (array zero-terminated=1): what names the record
 *
 * An id made from @parts that is the same on every replica, for a record
 * that several devices may make on their own (a keyed record, or the
 * occurrence of a plan): SHA-256 of the table and the parts, shaped like
 * the other ids (a UUID whose version nibble is 8, "made from a name").
 *
 * Returns: (transfer full): the id
 */
char *
evg_table_spec_make_name_id (const EvgTableSpec *spec,
                             const char * const *parts)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  GString *id;

  g_checksum_update (sum, (const guchar *) spec->name, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      /* A separator no id holds keeps ("ab", "c") apart from ("a", "bc"). */
      g_checksum_update (sum, (const guchar *) "\n", 1);
      g_checksum_update (sum, (const guchar *) parts[i], -1);
    }
  g_checksum_get_digest (sum, digest, &len);
  digest[6] = (guint8) (0x80 | (digest[6] & 0x0f));
  digest[8] = (guint8) (0x80 | (digest[8] & 0x3f));

  id = g_string_sized_new (37);
  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        g_string_append_c (id, '-');
      g_string_append_printf (id, "%02x", digest[i]);
    }
  return g_string_free (id, FALSE);
}

/**
 * evg_table_spec_is_lock_exempt:
 *
 * Whether @column of @spec stays writable when the record's parent is
 * final (EvgTableSpec.parent_lock_exempt).
 */
gboolean
evg_table_spec_is_lock_exempt (const EvgTableSpec *spec,
                               const char         *column)
{
  g_return_val_if_fail (spec != NULL, FALSE);
  return strv_has (spec->parent_lock_exempt, column);
}

/* The position of @code among @column's choices; -1 for none of them. */
static int
choice_index (const EvgColumnSpec *column,
              const char          *code)
{
  for (guint i = 0; i < column->n_choices; i++)
    if (g_strcmp0 (column->choices[i].code, code) == 0)
      return (int) i;
  return -1;
}

/**
 * evg_column_spec_keeps_stored:
 * @stored: (nullable): the value a replica holds
 * @wanted: (nullable): a value written or received for it
 *
 * Whether @stored stays when @wanted meets it, for a column that moves
 * only one way (%EVG_COLUMN_FLAG_EARLIEST or %EVG_COLUMN_FLAG_LATEST):
 * when @wanted is empty, or not earlier (later) than @stored — in time, or
 * for a choice column in the order of its choices.  Always
 * %FALSE for other columns, which the clocks decide.
 */
gboolean
evg_column_spec_keeps_stored (const EvgColumnSpec *column,
                              const char          *stored,
                              const char          *wanted)
{
  int cmp;

  g_return_val_if_fail (column != NULL, FALSE);

  if ((column->flags & (EVG_COLUMN_FLAG_EARLIEST | EVG_COLUMN_FLAG_LATEST)) == 0)
    return FALSE;
  if (stored == NULL || *stored == '\0')
    return FALSE;
  if (wanted == NULL || *wanted == '\0')
    return TRUE;
  /* A choice moves along its choices' order (a message's status); a
   * time, along the calendar, which its text sorts by. */
  cmp = column->kind == EVG_FIELD_KIND_CHOICE ? choice_index (column, wanted) - choice_index (column, stored)
                                              : strcmp (wanted, stored);
  return (column->flags & EVG_COLUMN_FLAG_EARLIEST) != 0 ? cmp >= 0 : cmp <= 0;
}

/**
 * evg_table_spec_parent_locks:
 * @parent_state: (nullable): the state of the record's parent
 *
 * Whether a record of @spec is locked because its parent (see
 * EvgTableSpec.parent) is in @parent_state.
 */
gboolean
evg_table_spec_parent_locks (const EvgTableSpec *spec,
                             const char         *parent_state)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  return spec->parent != NULL && parent_state != NULL &&
         strv_has (spec->parent->locked_states, parent_state);
}

guint
evg_schema_get_version (void)
{
  return G_N_ELEMENTS (migrations);
}

/* The migrations in order, for evg_sqlite_migrate(). */
const char * const *
evg_schema_get_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}

const char *
evg_schema_get_migration (guint from_version)
{
  g_return_val_if_fail (from_version < G_N_ELEMENTS (migrations), NULL);
  return migrations[from_version];
}
