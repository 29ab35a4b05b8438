/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-schema.h"
#include "evg-store-private.h"
#include "evg-sync-merge.h"
#include "evg-sync-private.h"

/* Pulled pages: each change merged into its record, and the page's cursor
 * stored in the same transaction.  What cannot be applied is kept in the
 * conflicts table (evg-sync-conflict-store.c), never dropped. */


static char *
object_text (JsonObject *object)
{
  GString *out = g_string_new (NULL);

  if (object != NULL)
    evg_sync_append_fields (out, object);
  else
    g_string_append (out, "{}");
  return g_string_free (out, FALSE);
}

static void
bind_json (sqlite3_stmt        *stmt,
           int                  pos,
           const EvgColumnSpec *col,
           JsonNode            *value)
{
  GType type;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value) || !JSON_NODE_HOLDS_VALUE (value))
    {
      sqlite3_bind_null (stmt, pos);
      return;
    }
  type = json_node_get_value_type (value);
  if (type == G_TYPE_INT64)
    sqlite3_bind_int64 (stmt, pos, json_node_get_int (value));
  else if (type == G_TYPE_BOOLEAN)
    sqlite3_bind_int (stmt, pos, json_node_get_boolean (value) ? 1 : 0);
  else if (type == G_TYPE_STRING && col->type == EVG_COLUMN_INT)
    sqlite3_bind_int64 (stmt, pos, g_ascii_strtoll (json_node_get_string (value), NULL, 10));
  else if (type == G_TYPE_STRING)
    sqlite3_bind_text (stmt, pos, json_node_get_string (value), -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, pos);
}

typedef struct
{
  EvgStore   *store;
  EvgSqlite  *sqlite;
  const char *site;
  char       *branch;
  GString    *sql;
  GString    *text;
  GHashTable *select_sql;    /* EvgTableSpec → the SELECT of load_local() */
  char        max_hlc[EVG_HLC_TEXT_LEN + 1];
} ApplyContext;

/* Reads the local row into @record; returns the row's hlc, or NULL. */
static gboolean
load_local (ApplyContext        *ctx,
            const EvgTableSpec  *spec,
            const char          *row_id,
            EvgSyncRecord       *record,
            GError             **error)
{
  const char *sql = g_hash_table_lookup (ctx->select_sql, spec);
  sqlite3_stmt *stmt;
  int rc;

  /* Made once per table and sync: a first download runs this per record. */
  if (sql == NULL)
    {
      GString *text = g_string_new ("SELECT field_hlc, deleted");

      for (guint i = 0; i < spec->n_columns; i++)
        g_string_append_printf (text, ", %s", spec->columns[i].name);
      g_string_append_printf (text, " FROM %s WHERE id = ?", spec->name);
      sql = g_string_free (text, FALSE);
      g_hash_table_insert (ctx->select_sql, (gpointer) spec, (gpointer) sql);
    }

  stmt = evg_store_prepare (ctx->store, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  record->values = json_object_new ();
  if (rc == SQLITE_ROW)
    {
      g_autoptr(GError) damage = NULL;

      record->exists = TRUE;
      /* Damaged clocks are an error, not an empty object: merging against
       * none would let any pulled value overwrite what the record holds. */
      record->clocks = evg_sync_parse_stored ((const char *) sqlite3_column_text (stmt, 0), &damage);
      if (record->clocks == NULL)
        {
          sqlite3_reset (stmt);
          g_message ("%s %s: %s", spec->name, row_id, damage->message);
          g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CORRUPT,
                       _("A record in this database is damaged, so the changes from the server "
                         "were not applied. Restore the database from a backup."));
          return FALSE;
        }
      record->deleted = sqlite3_column_int (stmt, 1) != 0;
      for (guint i = 0; i < spec->n_columns; i++)
        {
          int col = (int) i + 2;

          if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
            json_object_set_null_member (record->values, spec->columns[i].name);
          else if (spec->columns[i].type == EVG_COLUMN_INT)
            json_object_set_int_member (record->values, spec->columns[i].name,
                                        sqlite3_column_int64 (stmt, col));
          else
            json_object_set_string_member (record->values, spec->columns[i].name,
                                           (const char *) sqlite3_column_text (stmt, col));
        }
    }
  else
    record->clocks = json_object_new ();
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      evg_store_set_error (ctx->store, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Inserts a record this replica has never had, straight from the change:
 * the common case of a first download, so it skips the merge and the
 * JsonObjects.  Errors as write_record(). */
static gboolean
insert_new (ApplyContext        *ctx,
            const EvgTableSpec  *spec,
            EvgSyncChange       *change,
            GError             **error)
{
  sqlite3_stmt *stmt;
  int pos = 1;

  g_string_truncate (ctx->text, 0);
  g_string_append (ctx->text, "{\"*\":");
  {
    g_autofree char *clock = evg_sync_clock_make (change->hlc, change->site);

    evg_json_append_string (ctx->text, clock);
  }
  g_string_append_c (ctx->text, '}');

  g_string_truncate (ctx->sql, 0);
  g_string_append (ctx->sql, "INSERT INTO ");
  g_string_append (ctx->sql, spec->name);
  g_string_append (ctx->sql, " (id, branch, hlc, field_hlc, deleted");
  for (guint i = 0; i < change->n_values; i++)
    {
      g_string_append (ctx->sql, ", ");
      g_string_append (ctx->sql, change->values[i].name);
    }
  g_string_append (ctx->sql, ") VALUES (?, ?, ?, ?, 0");
  for (guint i = 0; i < change->n_values; i++)
    g_string_append (ctx->sql, ", ?");
  g_string_append_c (ctx->sql, ')');

  stmt = evg_store_prepare (ctx->store, ctx->sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, pos++, change->row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos++, ctx->branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos++, change->hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos++, ctx->text->str, -1, SQLITE_STATIC);
  for (guint i = 0; i < change->n_values; i++, pos++)
    {
      const EvgSyncValue *value = &change->values[i];

      if (value->type == EVG_SYNC_VALUE_INT || value->type == EVG_SYNC_VALUE_BOOLEAN)
        sqlite3_bind_int64 (stmt, pos, value->number);
      else if (value->type == EVG_SYNC_VALUE_STRING)
        sqlite3_bind_text (stmt, pos, value->text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, pos);
    }
  return evg_sqlite_step_done (ctx->sqlite, stmt, error);
}

/* Writes the merged record.  A constraint failure (the same ID number on
 * two new records, say) is returned as FALSE with an EVG_STORE_ERROR_CONSTRAINT
 * error; SQLite undoes just that statement. */
static gboolean
write_record (ApplyContext        *ctx,
              const EvgTableSpec  *spec,
              const char          *row_id,
              gboolean             existed,
              EvgSyncRecord       *record,
              const char          *row_hlc,
              GError             **error)
{
  sqlite3_stmt *stmt;
  int pos = 1;

  g_string_truncate (ctx->text, 0);
  evg_sync_append_fields (ctx->text, record->clocks);

  if (existed)
    {
      g_string_printf (ctx->sql, "UPDATE %s SET hlc = max (hlc, ?), field_hlc = ?, deleted = ?",
                       spec->name);
      for (guint i = 0; i < spec->n_columns; i++)
        g_string_append_printf (ctx->sql, ", %s = ?", spec->columns[i].name);
      g_string_append (ctx->sql, " WHERE id = ?");
      stmt = evg_store_prepare (ctx->store, ctx->sql->str, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, pos++, row_hlc, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, pos++, ctx->text->str, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, pos++, record->deleted ? 1 : 0);
      for (guint i = 0; i < spec->n_columns; i++)
        bind_json (stmt, pos++, &spec->columns[i],
                   json_object_get_member (record->values, spec->columns[i].name));
      sqlite3_bind_text (stmt, pos++, row_id, -1, SQLITE_STATIC);
    }
  else
    {
      /* Only the columns the change carries: the others keep their defaults. */
      g_string_printf (ctx->sql, "INSERT INTO %s (id, branch, hlc, field_hlc, deleted", spec->name);
      for (guint i = 0; i < spec->n_columns; i++)
        if (json_object_has_member (record->values, spec->columns[i].name))
          g_string_append_printf (ctx->sql, ", %s", spec->columns[i].name);
      g_string_append (ctx->sql, ") VALUES (?, ?, ?, ?, ?");
      for (guint i = 0; i < spec->n_columns; i++)
        if (json_object_has_member (record->values, spec->columns[i].name))
          g_string_append (ctx->sql, ", ?");
      g_string_append_c (ctx->sql, ')');
      stmt = evg_store_prepare (ctx->store, ctx->sql->str, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, pos++, row_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, pos++, ctx->branch, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, pos++, row_hlc, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, pos++, ctx->text->str, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, pos++, record->deleted ? 1 : 0);
      for (guint i = 0; i < spec->n_columns; i++)
        if (json_object_has_member (record->values, spec->columns[i].name))
          bind_json (stmt, pos++, &spec->columns[i],
                     json_object_get_member (record->values, spec->columns[i].name));
    }

  return evg_sqlite_step_done (ctx->sqlite, stmt, error);
}

static gboolean
is_own_change (ApplyContext  *ctx,
               const char    *change_id,
               gboolean      *own,
               GError       **error)
{
  sqlite3_stmt *stmt = evg_store_prepare (ctx->store, "SELECT 1 FROM outbox WHERE change_id = ?",
                                          error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  *own = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      evg_store_set_error (ctx->store, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* A later edit of every contested field, made by someone who had seen this
 * side's value (the merge found nothing concurrent), settles an open
 * identity conflict: a person decided on another workstation. */
static gboolean
close_settled_conflicts (ApplyContext   *ctx,
                         EvgSyncChange  *change,
                         GError        **error)
{
  g_autoptr(GArray) settled = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = evg_store_prepare (ctx->store, "SELECT id, local_value FROM conflicts "
                                        "WHERE resolved_at IS NULL AND tbl = ? AND row_id = ? "
                                        "AND kind = 'identity'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->row_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      /* A conflict whose text cannot be read is left for a person. */
      g_autoptr(JsonObject) local = evg_sync_parse_stored ((const char *) sqlite3_column_text (stmt, 1), NULL);
      g_autoptr(GList) names = local != NULL ? json_object_get_members (local) : NULL;
      gboolean all = names != NULL;
      gint64 id = sqlite3_column_int64 (stmt, 0);

      for (GList *l = names; l != NULL; l = l->next)
        all = all && json_object_has_member (evg_sync_change_get_fields (change), l->data);
      if (all)
        g_array_append_val (settled, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_store_set_error (ctx->store, rc, error);
      return FALSE;
    }

  for (guint i = 0; i < settled->len; i++)
    {
      stmt = evg_store_prepare (ctx->store, "UPDATE conflicts SET resolved_at = ?2, "
                                            "resolution = 'settled_elsewhere' WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (settled, gint64, i));
      sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
      if (!evg_sqlite_step_done (ctx->sqlite, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_one (ApplyContext   *ctx,
           EvgSyncChange  *change,
           EvgSyncReport  *report,
           GHashTable     *changed_tables,
           GError        **error)
{
  const EvgTableSpec *spec;
  g_autoptr(GError) local_error = NULL;
  EvgSyncRecord record = { 0 };
  EvgSyncMergeResult merge = { 0 };
  gboolean own = FALSE, existed, ok = TRUE;

  if (change->stub)
    {
      if (!is_own_change (ctx, change->change_id, &own, error))
        return FALSE;
      if (own)
        return TRUE;
      /* The server thinks this database made it, yet it does not know it:
       * it must be a copy of another workstation's database.  The page is
       * asked for again in full. */
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_UNKNOWN_STUB,
                   "The server sent only the id of change %s", change->change_id);
      return FALSE;
    }

  spec = evg_schema_lookup_table (change->table);
  if (strncmp (change->hlc, ctx->max_hlc, EVG_HLC_TEXT_LEN) > 0 && evg_hlc_parse (change->hlc, NULL))
    g_strlcpy (ctx->max_hlc, change->hlc, sizeof ctx->max_hlc);

  if (!is_own_change (ctx, change->change_id, &own, error))
    return FALSE;
  if (own)
    return TRUE;   /* made here: the row has it already */

  /* A table this version does not know (a newer app made it) or a change
   * this version cannot read is kept as a conflict rather than lost. */
  if (spec == NULL || !evg_sync_change_validate (change, &local_error))
    {
      report->conflicts++;
      return evg_sync_add_conflict (ctx->store, change->table, change->row_id, "unapplied", NULL,
                                    change->fields_json, change->change_id, error);
    }

  if (!load_local (ctx, spec, change->row_id, &record, error))
    {
      ok = FALSE;
      goto out;
    }
  existed = record.exists;
  if (!existed && change->op == EVG_SYNC_OP_INSERT)
    {
      /* Validation let through only columns of the table. */
      if (!insert_new (ctx, spec, change, &local_error))
        goto write_failed;
      g_hash_table_add (changed_tables, g_strdup (spec->name));
    }
  else
    {
      evg_sync_merge (spec, &record, change, ctx->site, &merge);
      if ((merge.written->len > 0 || merge.clocks_changed) &&
          !write_record (ctx, spec, change->row_id, existed, &record, merge.row_hlc, &local_error))
        goto write_failed;
      if (merge.written->len > 0 || merge.clocks_changed)
        g_hash_table_add (changed_tables, g_strdup (spec->name));
    }
  report->pulled++;

  if (merge.conflict == EVG_SYNC_CONFLICT_NONE && existed && change->op == EVG_SYNC_OP_UPDATE &&
      !close_settled_conflicts (ctx, change, error))
    {
      ok = FALSE;
      goto out;
    }

  if (merge.conflict != EVG_SYNC_CONFLICT_NONE)
    {
      g_autofree char *local = object_text (merge.contested);
      const char *kind = evg_sync_conflict_kind_to_string (merge.conflict);
      /* Seen from this side, the other side's action has the opposite name. */
      const char *remote = merge.conflict == EVG_SYNC_CONFLICT_DELETE_EDITED
                           ? "{\"deleted\":1}" : change->fields_json;

      report->conflicts++;
      ok = evg_sync_add_conflict (ctx->store, change->table, change->row_id, kind, local, remote,
                                  change->change_id, error);
    }

  goto out;

write_failed:
  if (!g_error_matches (local_error, EVG_STORE_ERROR, EVG_STORE_ERROR_CONSTRAINT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      ok = FALSE;
    }
  else
    {
      report->conflicts++;
      ok = evg_sync_add_conflict (ctx->store, change->table, change->row_id, "unapplied", NULL,
                                  change->fields_json, change->change_id, error);
    }

out:
  evg_sync_merge_result_clear (&merge);
  g_clear_pointer (&record.values, json_object_unref);
  g_clear_pointer (&record.clocks, json_object_unref);
  return ok;
}

/**
 * evg_sync_restore_record:
 * @values_json: (nullable): the record as the server holds it, with a
 *   "deleted" member; %NULL when the server has no such record
 * @clocks_json: (nullable): its clocks
 *
 * Puts a record back as the server holds it, after the server refused a
 * change of it because it is final ("locked"): the refused values are
 * kept in the conflict, and the row shows the final record, the same on
 * every device.  A record the server never had (made here for a final
 * parent) is removed.  Runs inside the caller's transaction.
 */
gboolean
evg_sync_restore_record (EvgStore    *store,
                         const char  *table,
                         const char  *row_id,
                         const char  *values_json,
                         const char  *clocks_json,
                         GError     **error)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (table);
  ApplyContext ctx = { 0 };
  EvgSyncRecord record = { 0 };
  char row_hlc[EVG_HLC_TEXT_LEN + 1] = "";
  g_autofree char *sql = NULL;
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;
  sqlite3_stmt *stmt;
  gboolean ok, existed;
  int rc;

  if (spec == NULL)
    return TRUE;
  sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", spec->name);
  stmt = evg_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  existed = rc == SQLITE_ROW;

  if (values_json == NULL)
    {
      g_free (sql);
      sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?", spec->name);
      stmt = evg_store_prepare (store, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_TRANSIENT);
      return evg_sqlite_step_done (evg_store_get_sqlite (store), stmt, error);
    }

  record.values = evg_sync_parse_stored (values_json, error);
  if (record.values == NULL)
    return FALSE;
  record.clocks = clocks_json != NULL ? evg_sync_parse_stored (clocks_json, error) : json_object_new ();
  if (record.clocks == NULL)
    {
      json_object_unref (record.values);
      return FALSE;
    }
  if (json_object_has_member (record.values, "deleted"))
    {
      record.deleted = json_object_get_int_member (record.values, "deleted") != 0;
      json_object_remove_member (record.values, "deleted");
    }
  json_object_iter_init (&iter, record.clocks);
  while (json_object_iter_next (&iter, &key, &node))
    {
      const char *clock = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

      if (clock != NULL && strncmp (clock, row_hlc, EVG_HLC_TEXT_LEN) > 0)
        g_strlcpy (row_hlc, clock, MIN (sizeof row_hlc, strlen (clock) + 1));
    }
  row_hlc[EVG_HLC_TEXT_LEN] = '\0';

  ctx.store = store;
  ctx.sqlite = evg_store_get_sqlite (store);
  ctx.branch = evg_store_get_meta (store, "branch_code");
  if (ctx.branch == NULL)
    ctx.branch = g_strdup ("");
  ctx.sql = g_string_new (NULL);
  ctx.text = g_string_new (NULL);
  ok = write_record (&ctx, spec, row_id, existed, &record, row_hlc, error);
  g_free (ctx.branch);
  g_string_free (ctx.sql, TRUE);
  g_string_free (ctx.text, TRUE);
  json_object_unref (record.values);
  json_object_unref (record.clocks);
  return ok;
}

/* A pulled record that points at a record this replica does not have (a
 * member's party group, say) would make the commit fail on the deferred
 * foreign key, and every later sync would stop at the same page.  Such a
 * reference is cleared here and kept as a conflict instead. */
static gboolean
clear_dangling_references (ApplyContext  *ctx,
                           EvgSyncReport *report,
                           GError       **error)
{
  sqlite3 *db = evg_store_get_db (ctx->store);
  sqlite3_stmt *check = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &check, NULL) != SQLITE_OK)
    {
      evg_store_set_error (ctx->store, sqlite3_errcode (db), error);
      return FALSE;
    }
  while ((rc = sqlite3_step (check)) == SQLITE_ROW)
    {
      g_autofree char *table = g_strdup ((const char *) sqlite3_column_text (check, 0));
      gint64 rowid = sqlite3_column_int64 (check, 1);
      int fkid = sqlite3_column_int (check, 3);
      g_autofree char *list_sql = g_strdup_printf ("PRAGMA foreign_key_list(%s)", table);
      g_autofree char *column = NULL;
      g_autofree char *row_id = NULL;
      g_autofree char *value = NULL;
      sqlite3_stmt *stmt = NULL;

      if (evg_schema_lookup_table (table) == NULL)
        continue;
      sqlite3_prepare_v2 (db, list_sql, -1, &stmt, NULL);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        if (sqlite3_column_int (stmt, 0) == fkid)
          column = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
      if (column == NULL)
        continue;

      g_free (list_sql);
      list_sql = g_strdup_printf ("SELECT id, %s FROM %s WHERE rowid = ?", column, table);
      stmt = NULL;
      sqlite3_prepare_v2 (db, list_sql, -1, &stmt, NULL);
      sqlite3_bind_int64 (stmt, 1, rowid);
      if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          row_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          value = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
      sqlite3_finalize (stmt);

      g_free (list_sql);
      list_sql = g_strdup_printf ("UPDATE %s SET %s = NULL WHERE rowid = ?", table, column);
      stmt = NULL;
      sqlite3_prepare_v2 (db, list_sql, -1, &stmt, NULL);
      sqlite3_bind_int64 (stmt, 1, rowid);
      rc = stmt != NULL ? sqlite3_step (stmt) : SQLITE_ERROR;
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          sqlite3_finalize (check);
          evg_store_set_error (ctx->store, sqlite3_errcode (db), error);
          return FALSE;
        }

      {
        GString *remote = g_string_new ("{");
        g_autofree char *remote_text = NULL;

        evg_json_append_string (remote, column);
        g_string_append_c (remote, ':');
        evg_json_append_string (remote, value != NULL ? value : "");
        g_string_append_c (remote, '}');
        remote_text = g_string_free (remote, FALSE);
        report->conflicts++;
        if (!evg_sync_add_conflict (ctx->store, table, row_id != NULL ? row_id : "", "unapplied",
                                    NULL, remote_text, NULL, error))
          {
            sqlite3_finalize (check);
            return FALSE;
          }
      }
    }
  sqlite3_finalize (check);
  return TRUE;
}

/**
 * evg_sync_apply_pull:
 *
 * Applies one pulled page and stores its cursor in the same transaction,
 * so the cursor never passes a change that is not applied.  The local clock
 * moves past every pulled clock, so that an edit made after seeing a change
 * is ordered after it even when this PC's clock is behind.
 */
gboolean
evg_sync_apply_pull (EvgStore             *store,
                     EvgSyncPullResponse  *page,
                     EvgSyncReport        *report,
                     GHashTable           *changed_tables,
                     GError              **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  ApplyContext ctx = { 0 };
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  if (!evg_sqlite_begin (sqlite, error))
    return FALSE;

  ctx.store = store;
  ctx.sqlite = sqlite;
  ctx.site = evg_store_get_site_id (store);
  ctx.branch = evg_store_get_meta (store, "branch_code");
  if (ctx.branch == NULL)
    ctx.branch = g_strdup ("");
  ctx.sql = g_string_new (NULL);
  ctx.text = g_string_new (NULL);
  ctx.select_sql = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  evg_hlc_format (0, ctx.max_hlc);

  for (guint i = 0; i < page->changes->len; i++)
    if (!apply_one (&ctx, g_ptr_array_index (page->changes, i), report, changed_tables, error))
      goto out;

  stmt = evg_store_prepare (store, "UPDATE sync_state SET pull_cursor = ?1, server_epoch = ?2, "
                                   "last_hlc = max (last_hlc, ?3) WHERE id = 1", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, page->next);
  sqlite3_bind_text (stmt, 2, page->epoch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ctx.max_hlc, -1, SQLITE_STATIC);
  if (!evg_sqlite_step_done (sqlite, stmt, error))
    goto out;
  /* Ranges of own changes the cursor has passed say nothing any more. */
  stmt = evg_store_prepare (store, "DELETE FROM own_seq_range WHERE last_seq <= ?", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, page->next);
  if (!evg_sqlite_step_done (sqlite, stmt, error))
    goto out;

  evg_sync_failpoint ("client-pull-before-commit");
  {
    g_autoptr(GError) commit_error = NULL;

    ok = evg_sqlite_commit (sqlite, &commit_error);
    /* A deferred foreign key failing at COMMIT leaves the transaction open:
     * clear what dangles and commit again.  Checking only then keeps the
     * scan off the normal path. */
    if (!ok && sqlite3_extended_errcode (evg_store_get_db (store)) == SQLITE_CONSTRAINT_FOREIGNKEY &&
        sqlite3_get_autocommit (evg_store_get_db (store)) == 0)
      ok = clear_dangling_references (&ctx, report, error) && evg_sqlite_commit (sqlite, error);
    else if (!ok)
      g_propagate_error (error, g_steal_pointer (&commit_error));
  }

out:
  if (!ok)
    evg_sqlite_rollback (sqlite);
  g_free (ctx.branch);
  g_string_free (ctx.sql, TRUE);
  g_string_free (ctx.text, TRUE);
  g_hash_table_unref (ctx.select_sql);
  return ok;
}
