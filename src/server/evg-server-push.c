/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "evg-context.h"
#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-schema.h"
#include "evg-server-db-private.h"
#include "evg-server-push-private.h"
#include "evg-sync-merge.h"
#include "evg-sync-protocol.h"

/* A push: each change checked against its record type's policies and
 * applied, logged and answered in one transaction. */


void
evg_server_stored_record_clear (StoredRecord *record)
{
  g_clear_pointer (&record->branch, g_free);
  g_clear_pointer (&record->fields, g_free);
  g_clear_pointer (&record->clocks, g_free);
  g_clear_pointer (&record->values, json_object_unref);
  g_clear_pointer (&record->clock_values, json_object_unref);
}

/* Parses a stored record's fields and clocks, once.  A record whose text
 * is not a JSON object is damaged, and is never taken for an empty one. */
gboolean
evg_server_parse_stored (StoredRecord  *record,
              GError       **error)
{
  if (!record->exists || record->values != NULL)
    return TRUE;
  record->values = evg_sync_parse_stored (record->fields, error);
  if (record->values != NULL)
    record->clock_values = evg_sync_parse_stored (record->clocks, error);
  return record->clock_values != NULL;
}


static gboolean
load_row (EvgServerDb   *db,
          const char    *table,
          const char    *row_id,
          StoredRecord  *record,
          GError       **error)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "SELECT branch, deleted, fields, clocks "
                                           "FROM record_state WHERE tbl = ? AND row_id = ?",
                                           error);
  int rc;

  memset (record, 0, sizeof *record);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      record->exists = TRUE;
      record->branch = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      record->deleted = sqlite3_column_int (stmt, 1) != 0;
      record->fields = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      record->clocks = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      evg_sqlite_set_error (db->sqlite, rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
evg_server_load_record (EvgServerDb   *db,
             EvgSyncChange *change,
             StoredRecord  *record,
             GError       **error)
{
  return load_row (db, change->table, change->row_id, record, error);
}


gboolean
evg_server_log_change (EvgServerDb  *db,
            const char   *change_id,
            const char   *branch,
            const char   *table,
            const char   *row_id,
            const char   *op,
            const char   *fields_json,
            const char   *hlc,
            const char   *base_hlc,
            const char   *site,
            GError      **error)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "INSERT INTO change_log (change_id, branch, tbl, "
                                           "  row_id, op, fields, hlc, base_hlc, site, "
                                           "  received_at) "
                                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, op, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, fields_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, base_hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, evg_server_now_ms ());
  return evg_sqlite_step_done (db->sqlite, stmt, error);
}

char *
evg_server_string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/* Answers a change whose id the change log holds already.  Returns FALSE
 * only on a database failure. */
static gboolean
answer_known_change (EvgServerDb    *db,
                     const char     *branch,
                     EvgSyncChange  *change,
                     gboolean       *known,
                     ChangeOutcome  *outcome,
                     GError        **error)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "SELECT branch, seq FROM change_log WHERE change_id = ?",
                                           error);
  int rc;

  *known = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->change_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *known = TRUE;
      /* A change id another branch used says nothing to this branch. */
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), branch) == 0)
        {
          outcome->status = EVG_SYNC_STATUS_DUPLICATE;
          outcome->seq = sqlite3_column_int64 (stmt, 1);
        }
      else
        {
          outcome->status = EVG_SYNC_STATUS_REJECTED;
          outcome->reason = "invalid";
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return evg_sqlite_set_error (db->sqlite, rc, error), FALSE;
  return TRUE;
}

/* Whether @change would give a column written once (EVG_COLUMN_FLAG_IMMUTABLE)
 * a value other than the stored one: EvgTxn refuses that on the client,
 * and the server must not take it from a client that skips EvgTxn. */
static gboolean
changes_immutable (const EvgTableSpec *spec,
                   StoredRecord       *stored,
                   EvgSyncChange      *change)
{
  if (!stored->exists || stored->values == NULL)
    return FALSE;
  for (guint i = 0; i < change->n_values; i++)
    {
      const EvgSyncValue *value = &change->values[i];
      int col = evg_table_spec_find_column (spec, value->name);
      JsonNode *old;

      if (col < 0 || (spec->columns[col].flags & EVG_COLUMN_FLAG_IMMUTABLE) == 0)
        continue;
      old = stored->values != NULL ? json_object_get_member (stored->values, value->name) : NULL;
      if (value->type == EVG_SYNC_VALUE_STRING)
        {
          if (old == NULL || !JSON_NODE_HOLDS_VALUE (old) ||
              json_node_get_value_type (old) != G_TYPE_STRING ||
              g_strcmp0 (json_node_get_string (old), value->text) != 0)
            return TRUE;
        }
      else if (value->type == EVG_SYNC_VALUE_NULL)
        {
          if (old != NULL && !JSON_NODE_HOLDS_NULL (old))
            return TRUE;
        }
      else if (old == NULL || !JSON_NODE_HOLDS_VALUE (old) ||
               json_node_get_value_type (old) != G_TYPE_INT64 ||
               json_node_get_int (old) != value->number)
        return TRUE;
    }
  return FALSE;
}

/* The stored record's state, for a table with a state machine. */
static char *
stored_state (const EvgTableSpec *spec,
              StoredRecord       *stored)
{
  if (spec->state_column == NULL || !stored->exists)
    return NULL;
  return stored->values != NULL ? evg_server_string_member (stored->values, spec->state_column) : NULL;
}

/* The table's state machine, as EvgTxn checks it on the client: returns
 * the rejection's reason, or NULL. */
static const char *
check_state (const EvgTableSpec *spec,
             StoredRecord       *stored,
             const char         *state,
             EvgSyncChange      *change)
{
  const EvgSyncValue *new_state = NULL;
  guint others = 0;

  if (spec->state_column == NULL)
    return NULL;
  for (guint i = 0; i < change->n_values; i++)
    {
      if (g_str_equal (change->values[i].name, spec->state_column))
        new_state = &change->values[i];
      else
        others++;
    }
  return evg_table_spec_check_state (spec, stored->exists && !stored->deleted, state,
                                     new_state != NULL,
                                     new_state != NULL && new_state->type == EVG_SYNC_VALUE_STRING
                                     ? new_state->text : NULL,
                                     others > 0 || change->op == EVG_SYNC_OP_DELETE);
}

/* Whether the record's parent (EvgTableSpec.parent) locks it, as EvgTxn
 * checks on the client: sets @refused to "locked" when it does.  The
 * parent is the one the change names, else the one the record names. */
static gboolean
check_parent (EvgServerDb        *db,
              const EvgTableSpec *spec,
              StoredRecord       *stored,
              EvgSyncChange      *change,
              const char        **refused,
              GError            **error)
{
  g_auto(StoredRecord) parent = { 0 };
  g_autofree char *parent_id = NULL;
  g_autofree char *state = NULL;

  if (spec->parent == NULL)
    return TRUE;
  /* An update of exempt columns only is allowed whatever the parent. */
  if (change->op == EVG_SYNC_OP_UPDATE && change->n_values > 0)
    {
      gboolean exempt = TRUE;

      for (guint i = 0; i < change->n_values && exempt; i++)
        if (!evg_table_spec_is_lock_exempt (spec, change->values[i].name))
          exempt = FALSE;
      if (exempt)
        return TRUE;
    }
  for (guint i = 0; i < change->n_values; i++)
    if (change->values[i].type == EVG_SYNC_VALUE_STRING &&
        g_str_equal (change->values[i].name, spec->parent_column))
      parent_id = g_strdup (change->values[i].text);
  if (parent_id == NULL && stored->exists && stored->values != NULL)
    parent_id = evg_server_string_member (stored->values, spec->parent_column);
  if (parent_id == NULL)
    return TRUE;

  if (!load_row (db, spec->parent->name, parent_id, &parent, error))
    return FALSE;
  if (!parent.exists || parent.deleted || !evg_server_parse_stored (&parent, NULL))
    return TRUE;
  state = evg_server_string_member (parent.values, spec->parent->state_column);
  if (evg_table_spec_parent_locks (spec, state))
    *refused = "locked";
  return TRUE;
}

/* Applies one change inside the push transaction.  Returns FALSE only on a
 * database failure, which aborts the whole batch. */
static gboolean
apply_change (EvgServerDb    *db,
              const char     *branch,
              EvgSyncChange  *change,
              const char     *fields_json,
              gint64          received_at,
              ChangeOutcome  *outcome,
              GError        **error)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (change->table);
  g_auto(StoredRecord) stored = { 0 };
  const EvgServerTypeHooks *hooks = evg_server_type_hooks (spec);
  g_autofree char *routed_to = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GError) damage = NULL;
  const char *refused;
  gboolean new_insert, known;
  EvgSyncRecord record = { 0 };
  EvgSyncMergeResult merge = { 0 };
  g_autoptr(GString) values_text = NULL;
  g_autoptr(GString) clocks_text = NULL;
  const char *clocks, *row_hlc;
  sqlite3_stmt *stmt;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  memset (outcome, 0, sizeof *outcome);

  if (!evg_server_load_record (db, change, &stored, error))
    return FALSE;
  if (!evg_server_parse_stored (&stored, &damage))
    {
      /* Refused, not taken for an empty record: the batch goes on, and
       * the administrator learns which record to restore. */
      g_message ("The stored record %s/%s is damaged: %s", change->table, change->row_id,
                 damage->message);
      outcome->status = EVG_SYNC_STATUS_REJECTED;
      outcome->reason = "damaged";
      return TRUE;
    }

  /* A new record made by an insert is the whole of a first upload.  Nothing
   * but a known change id can refuse it, so the change log's unique index
   * finds a repeat when the change is logged, instead of a lookup of its
   * own before.  Every other change is checked first, as the answer to a
   * repeat must not depend on what happened to the record since. */
  new_insert = !stored.exists && change->op == EVG_SYNC_OP_INSERT && hooks == NULL;
  if (!new_insert)
    {
      if (!answer_known_change (db, branch, change, &known, outcome, error))
        return FALSE;
      if (known)
        return TRUE;
    }

  if (changes_immutable (spec, &stored, change))
    {
      outcome->status = EVG_SYNC_STATUS_REJECTED;
      outcome->reason = "immutable";
      return TRUE;
    }
  state = stored_state (spec, &stored);
  refused = check_state (spec, &stored, state, change);
  if (refused == NULL && !check_parent (db, spec, &stored, change, &refused, error))
    return FALSE;
  if (refused != NULL)
    {
      outcome->status = EVG_SYNC_STATUS_REJECTED;
      outcome->reason = refused;
      /* A final record stays as it is on every device: the answer carries
       * it, so that the client puts back what it changed (or drops what it
       * made, when the server has no such record). */
      if (g_str_equal (refused, "locked") && stored.exists)
        {
          outcome->remote = json_object_new ();
          json_object_iter_init (&iter, stored.values);
          while (json_object_iter_next (&iter, &name, &node))
            json_object_set_member (outcome->remote, name, json_node_copy (node));
          json_object_set_int_member (outcome->remote, "deleted", stored.deleted ? 1 : 0);
          outcome->remote_clocks = json_object_ref (stored.clock_values);
        }
      return TRUE;
    }

  if (hooks != NULL)
    {
      /* The record type decides who may write it and who else sees it. */
      if (!hooks->check (db, branch, change, &stored, &routed_to, outcome))
        return TRUE;
      owner = g_strdup (stored.exists ? stored.branch : branch);
    }
  else if (stored.exists && g_strcmp0 (stored.branch, branch) != 0)
    {
      outcome->status = EVG_SYNC_STATUS_REJECTED;
      outcome->reason = "not_owner";
      return TRUE;
    }

  if (spec->policy == EVG_MERGE_APPEND_ONLY)
    {
      if (change->op != EVG_SYNC_OP_INSERT)
        {
          outcome->status = EVG_SYNC_STATUS_REJECTED;
          outcome->reason = "append_only";
          return TRUE;
        }
      if (stored.exists)
        {
          /* The same record made twice is kept once. */
          outcome->status = EVG_SYNC_STATUS_DUPLICATE;
          outcome->reason = "exists";
          return TRUE;
        }
    }

  if (!stored.exists && change->op == EVG_SYNC_OP_INSERT)
    {
      /* A new record is just the change: no merge to work out, and its
       * fields are the change's own (see log_seq in the schema). */
      g_string_truncate (db->clocks, 0);
      g_string_append (db->clocks, "{\"*\":\"");
      g_string_append (db->clocks, change->hlc);
      g_string_append_c (db->clocks, '@');
      g_string_append (db->clocks, change->site);
      g_string_append (db->clocks, "\"}");
      clocks = db->clocks->str;
      row_hlc = change->hlc;
    }
  else
    {
      record.exists = stored.exists;
      record.deleted = stored.deleted;
      record.values = stored.exists ? json_object_ref (stored.values) : json_object_new ();
      record.clocks = stored.exists ? json_object_ref (stored.clock_values) : json_object_new ();
      evg_sync_merge (spec, &record, change, NULL, &merge);
      values_text = g_string_new (NULL);
      clocks_text = g_string_new (NULL);
      evg_sync_append_fields (values_text, record.values);
      evg_sync_append_fields (clocks_text, record.clocks);
      clocks = clocks_text->str;
      row_hlc = merge.row_hlc;
    }

  /* ON CONFLICT names the change id alone: any other broken constraint is
   * still an error, never taken for a repeat. */
  stmt = evg_sqlite_prepare (db->sqlite,
                             "INSERT INTO change_log (change_id, branch, tbl, row_id, op, fields, "
                             "  hlc, base_hlc, site, received_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (change_id) DO NOTHING", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, change->change_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, change->table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, change->row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, evg_sync_op_to_string (change->op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, fields_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, change->hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, change->base_hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, change->site, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, received_at);
  if (!evg_sqlite_step_done (db->sqlite, stmt, error))
    goto fail;
  if (sqlite3_changes (db->db) == 0)
    {
      /* Only a new insert, not looked up before, can get here. */
      if (!answer_known_change (db, branch, change, &known, outcome, error))
        goto fail;
      if (!known)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "The change %s was neither logged nor found in the log", change->change_id);
          goto fail;
        }
      goto done;
    }

  outcome->seq = sqlite3_last_insert_rowid (db->db);

  stmt = evg_sqlite_prepare (db->sqlite,
                             "INSERT INTO record (tbl, row_id, branch, hlc, deleted, fields, "
                             "  clocks, log_seq) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                             "ON CONFLICT (tbl, row_id) DO UPDATE SET "
                             "hlc = excluded.hlc, deleted = excluded.deleted, "
                             "fields = excluded.fields, clocks = excluded.clocks, "
                             "log_seq = excluded.log_seq", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, change->table, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, change->row_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, branch, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, row_hlc, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 5, record.deleted ? 1 : 0);
      sqlite3_bind_text (stmt, 6, values_text == NULL ? "" : values_text->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, clocks, -1, SQLITE_STATIC);
      if (values_text == NULL)
        sqlite3_bind_int64 (stmt, 8, outcome->seq);
    }
  if (stmt == NULL || !evg_sqlite_step_done (db->sqlite, stmt, error))
    goto fail;

  if (routed_to != NULL)
    {
      /* The other branch the record type names sees it too, under its own id. */
      g_autofree char *routed_id = g_strconcat (change->change_id, ".r", NULL);

      if (!evg_server_log_change (db, routed_id, routed_to, change->table, change->row_id,
                                  evg_sync_op_to_string (change->op), fields_json, change->hlc,
                                  change->base_hlc, change->site, error))
        goto fail;
    }
  if (hooks != NULL && hooks->applied != NULL)
    {
      g_autoptr(JsonObject) merged = evg_sync_parse_stored (values_text == NULL ? fields_json
                                                                                : values_text->str,
                                                            error);

      if (merged == NULL || !hooks->applied (db, change, owner, state, merged, error))
        goto fail;
    }

  if (merge.conflict != EVG_SYNC_CONFLICT_NONE)
    {
      outcome->status = EVG_SYNC_STATUS_CONFLICT;
      outcome->kind = evg_sync_conflict_kind_to_string (merge.conflict);
      outcome->remote = merge.contested != NULL ? json_object_ref (merge.contested) : json_object_new ();
    }
  else
    outcome->status = EVG_SYNC_STATUS_APPLIED;

done:
  evg_sync_merge_result_clear (&merge);
  g_clear_pointer (&record.values, json_object_unref);
  g_clear_pointer (&record.clocks, json_object_unref);
  return TRUE;

fail:
  evg_sync_merge_result_clear (&merge);
  g_clear_pointer (&record.values, json_object_unref);
  g_clear_pointer (&record.clocks, json_object_unref);
  return FALSE;
}

/**
 * evg_server_apply_change:
 *
 * Applies @change, made by the server itself for @branch (a message from
 * the public page), inside the caller's transaction, through the same
 * checks and the same log as a pushed change.  Returns FALSE only on a
 * database failure; @outcome says what became of the change.
 */
gboolean
evg_server_apply_change (EvgServerDb    *db,
                         const char     *branch,
                         EvgSyncChange  *change,
                         ChangeOutcome  *outcome,
                         GError        **error)
{
  return apply_change (db, branch, change, change->fields_json, evg_server_now_ms (), outcome, error);
}

/* Appends a positive number in decimal. */
static void
append_int (GString *out,
            gint64   value)
{
  char digits[24];
  gsize n = 0;

  g_assert (value >= 0);
  do
    {
      digits[sizeof digits - ++n] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0);
  g_string_append_len (out, digits + sizeof digits - n, (gssize) n);
}

static void
append_outcome (GString       *out,
                EvgSyncChange *change,
                ChangeOutcome *outcome)
{
  g_string_append (out, "{\"change_id\":");
  evg_json_append_string (out, change->change_id);
  /* Plain appends: formatting two values per change through printf was a
   * noticeable part of answering a batch of thousands. */
  g_string_append (out, ",\"status\":\"");
  g_string_append (out, evg_sync_status_to_string (outcome->status));
  g_string_append_c (out, '"');
  if (outcome->seq > 0)
    {
      g_string_append (out, ",\"seq\":");
      append_int (out, outcome->seq);
    }
  if (outcome->reason != NULL)
    {
      g_string_append (out, ",\"reason\":");
      evg_json_append_string (out, outcome->reason);
    }
  if (outcome->kind != NULL)
    {
      g_string_append (out, ",\"kind\":");
      evg_json_append_string (out, outcome->kind);
    }
  if (outcome->remote != NULL)
    {
      g_string_append (out, ",\"remote\":");
      evg_sync_append_fields (out, outcome->remote);
    }
  if (outcome->remote_clocks != NULL)
    {
      g_string_append (out, ",\"remote_clocks\":");
      evg_sync_append_fields (out, outcome->remote_clocks);
    }
  g_string_append_c (out, '}');
}


/**
 * evg_server_db_push:
 *
 * Applies a push batch for @branch in one transaction and answers only
 * after the commit.  A batch seen before gets its stored answer again.
 */
void
evg_server_db_push (EvgServerDb    *db,
                    const char     *branch,
                    const char     *body,
                    gsize           length,
                    EvgServerReply *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushRequest) request = NULL;
  g_autoptr(GString) out = NULL;
  sqlite3_stmt *stmt;
  gint64 limit_ms, received_at;
  int rc;

  if (length == 0)
    {
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_MALFORMED_JSON, "The request body is empty.");
      return;
    }
  request = evg_sync_push_request_parse (body, length, &error);
  if (request == NULL)
    {
      gboolean json_error = g_str_has_prefix (error->message, "Malformed JSON");

      evg_server_reply_error (reply, 400,
                              json_error ? EVG_SYNC_CODE_MALFORMED_JSON : EVG_SYNC_CODE_BAD_REQUEST,
                              error->message);
      return;
    }
  if (request->protocol < EVG_SYNC_MIN_PROTOCOL || request->protocol > EVG_SYNC_PROTOCOL_VERSION)
    {
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_PROTOCOL,
                              "This server does not speak that protocol version.");
      return;
    }
  if (!evg_sync_id_is_valid (request->batch_id) || !evg_sync_id_is_valid (request->site))
    {
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_BAD_REQUEST, "Invalid batch_id or site.");
      return;
    }
  if (request->changes->len > EVG_SYNC_MAX_BATCH)
    {
      g_autofree char *message = g_strdup_printf ("A batch may hold at most %d changes.",
                                                  EVG_SYNC_MAX_BATCH);
      evg_server_reply_error (reply, 413, EVG_SYNC_CODE_BATCH_TOO_LARGE, message);
      return;
    }
  if (request->epoch != NULL && g_strcmp0 (request->epoch, db->epoch) != 0)
    {
      reply->status = 409;
      reply->body = evg_sync_error_body (EVG_SYNC_CODE_RESYNC,
                                         "The server was restored from a backup; send your changes again.",
                                         evg_server_now_ms (), db->epoch);
      return;
    }

  /* A clock this far ahead would beat every correct clock for as long as
   * it is ahead; refuse the whole batch so nothing of it lands. */
  limit_ms = evg_server_now_ms () + EVG_SYNC_MAX_SKEW_MS;
  for (guint i = 0; i < request->changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (request->changes, i);
      guint64 hlc;

      if (evg_hlc_parse (change->hlc, &hlc) && evg_hlc_get_ms (hlc) > limit_ms)
        {
          reply->status = 409;
          reply->body = evg_sync_error_body (EVG_SYNC_CODE_CLOCK_SKEW,
                                             "The computer's clock is ahead of the server's; "
                                             "set the correct date and time.",
                                             evg_server_now_ms (), NULL);
          return;
        }
    }

  if (!evg_sqlite_begin (db->sqlite, &error))
    return evg_server_reply_internal (db, reply, error);
  /* One time for the whole batch: it was received at once. */
  received_at = evg_server_now_ms ();

  stmt = evg_sqlite_prepare (db->sqlite,
                             "SELECT response FROM batch WHERE branch = ? AND batch_id = ?",
                             &error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, request->batch_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      reply->status = 200;
      reply->body = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      evg_sqlite_rollback (db->sqlite);
      return;
    }
  sqlite3_reset (stmt);

  out = g_string_sized_new (128 + 96 * request->changes->len);
  g_string_append (out, "{\"batch_id\":");
  evg_json_append_string (out, request->batch_id);
  g_string_append (out, ",\"epoch\":");
  evg_json_append_string (out, db->epoch);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT ",\"results\":[", evg_server_now_ms ());

  for (guint i = 0; i < request->changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (request->changes, i);
      ChangeOutcome outcome = { 0 };
      g_autoptr(GError) invalid = NULL;

      if (i > 0)
        g_string_append_c (out, ',');
      if (!evg_sync_change_validate (change, &invalid))
        {
          outcome.status = EVG_SYNC_STATUS_REJECTED;
          outcome.reason = "invalid";
        }
      else
        {
          if (!apply_change (db, branch, change, change->fields_json, received_at, &outcome, &error))
            goto fail;
        }
      append_outcome (out, change, &outcome);
      g_clear_pointer (&outcome.remote, json_object_unref);
      g_clear_pointer (&outcome.remote_clocks, json_object_unref);
    }
  g_string_append (out, "]}\n");

  stmt = evg_sqlite_prepare (db->sqlite,
                             "INSERT INTO batch (branch, batch_id, response, created_at) "
                             "VALUES (?, ?, ?, ?)", &error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, request->batch_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, out->str, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, evg_server_now_ms ());
  if (!evg_sqlite_step_done (db->sqlite, stmt, &error))
    goto fail;

  /* Stored answers only spare a client work when it resends its last
   * batch; change ids keep a late resend exactly-once without them, so
   * answers older than a week are dropped now and then. */
  if (g_random_int_range (0, 64) == 0)
    {
      stmt = evg_sqlite_prepare (db->sqlite,
                                 "DELETE FROM batch WHERE branch = ? AND created_at < ?", &error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, evg_server_now_ms () - 7 * 24 * 3600 * G_GINT64_CONSTANT (1000));
      if (!evg_sqlite_step_done (db->sqlite, stmt, &error))
        goto fail;
    }

  evg_server_failpoint ("server-push-before-commit");
  if (!evg_sqlite_commit (db->sqlite, &error))
    goto fail;
  evg_server_failpoint ("server-push-after-commit");

  reply->status = 200;
  reply->body = g_string_free (g_steal_pointer (&out), FALSE);
  return;

fail:
  evg_sqlite_rollback (db->sqlite);
  evg_server_reply_internal (db, reply, error);
}
