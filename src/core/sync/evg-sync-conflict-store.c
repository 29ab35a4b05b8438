/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-field-set.h"
#include "evg-schema.h"
#include "evg-store-private.h"
#include "evg-sync-merge.h"
#include "evg-sync-private.h"
#include "evg-txn.h"

/* The conflicts table: what the server refused and what a pull could not
 * apply, kept for a person; the list the client shows; and a person's
 * choice, written back through the outbox like any edit. */


/* Records a conflict, or refreshes the open one about the same record and
 * kind: a person should see one entry per disagreement, not one per sync. */
gboolean
evg_sync_add_conflict (EvgStore    *store,
                       const char  *table,
                       const char  *row_id,
                       const char  *kind,
                       const char  *local_value,
                       const char  *remote_value,
                       const char  *change_id,
                       GError     **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  stmt = evg_store_prepare (store, "UPDATE conflicts SET local_value = ?4, remote_value = ?5, "
                                   "change_id = ?6, created_at = ?7 "
                                   "WHERE tbl = ?1 AND row_id = ?2 AND kind = ?3 AND resolved_at IS NULL",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, local_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, remote_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, change_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, now);
  if (!evg_sqlite_step_done (sqlite, stmt, error))
    return FALSE;
  if (sqlite3_changes (evg_store_get_db (store)) > 0)
    return TRUE;

  stmt = evg_store_prepare (store, "INSERT INTO conflicts (tbl, row_id, kind, local_value, "
                                   "remote_value, change_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, local_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, remote_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, change_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, now);
  return evg_sqlite_step_done (sqlite, stmt, error);
}

GPtrArray *
evg_sync_list_conflicts (EvgStore  *store,
                         gboolean   include_resolved,
                         GError   **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  stmt = evg_store_prepare (store, include_resolved
                            ? "SELECT id, tbl, row_id, kind, local_value, remote_value, created_at, "
                              "resolution FROM conflicts ORDER BY id"
                            : "SELECT id, tbl, row_id, kind, local_value, remote_value, created_at, "
                              "resolution FROM conflicts WHERE resolved_at IS NULL ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, evg_sync_conflict_new_internal (sqlite3_column_int64 (stmt, 0),
                                                           (const char *) sqlite3_column_text (stmt, 1),
                                                           (const char *) sqlite3_column_text (stmt, 2),
                                                           (const char *) sqlite3_column_text (stmt, 3),
                                                           (const char *) sqlite3_column_text (stmt, 4),
                                                           (const char *) sqlite3_column_text (stmt, 5),
                                                           sqlite3_column_int64 (stmt, 6),
                                                           (const char *) sqlite3_column_text (stmt, 7)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* Fills @set from a JSON object of values, skipping what the table lacks. */
static void
fill_fields (EvgFieldSet *set,
             JsonObject  *values)
{
  const EvgTableSpec *spec = evg_field_set_get_table (set);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, values);
  while (json_object_iter_next (&iter, &name, &value))
    {
      int col = evg_table_spec_find_column (spec, name);
      g_autoptr(GString) text = NULL;

      if (col < 0)
        continue;
      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        {
          evg_field_set_set_index (set, (guint) col, NULL);
          continue;
        }
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        {
          evg_field_set_set_index (set, (guint) col, json_node_get_string (value));
          continue;
        }
      text = g_string_new (NULL);
      evg_sync_append_json_value (text, value);
      evg_field_set_set_index (set, (guint) col, text->str);
    }
}

static gboolean
row_is_deleted (EvgStore    *store,
                const char  *table,
                const char  *row_id,
                gboolean    *exists)
{
  g_autofree char *sql = g_strdup_printf ("SELECT deleted FROM %s WHERE id = ?", table);
  sqlite3_stmt *stmt = evg_store_prepare (store, sql, NULL);
  gboolean deleted = FALSE;

  *exists = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *exists = TRUE;
      deleted = sqlite3_column_int (stmt, 0) != 0;
    }
  sqlite3_reset (stmt);
  return deleted;
}

/**
 * evg_sync_resolve:
 *
 * Applies a person's choice as a new local write, through the outbox like
 * any edit: its clock is newer than both contested values, so the choice
 * wins on every replica once it syncs.
 */
gboolean
evg_sync_resolve (EvgStore           *store,
                  gint64              conflict_id,
                  EvgSyncResolution   resolution,
                  GError            **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  g_autoptr(EvgTxn) txn = NULL;
  g_autoptr(JsonObject) chosen = NULL;
  g_autoptr(EvgFieldSet) set = NULL;
  g_autofree char *table = NULL;
  g_autofree char *row_id = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *local = NULL;
  g_autofree char *remote = NULL;
  const EvgTableSpec *spec;
  sqlite3_stmt *stmt;
  gboolean exists, deleted, want_deleted;
  int rc;

  stmt = evg_store_prepare (store, "SELECT tbl, row_id, kind, local_value, remote_value FROM conflicts "
                                   "WHERE id = ? AND resolved_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conflict_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      table = evg_sync_column_dup (stmt, 0);
      row_id = evg_sync_column_dup (stmt, 1);
      kind = evg_sync_column_dup (stmt, 2);
      local = evg_sync_column_dup (stmt, 3);
      remote = evg_sync_column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (table == NULL)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_FOUND,
                   _("This conflict was resolved already."));
      return FALSE;
    }

  txn = evg_store_begin (store, error);
  if (txn == NULL)
    return FALSE;

  spec = evg_schema_lookup_table (table);
  chosen = evg_sync_parse_stored (resolution == EVG_SYNC_RESOLUTION_KEEP_LOCAL ? local : remote, NULL);
  if (chosen == NULL)
    {
      /* Only a side that is written back must be readable: a refused or
       * unapplied change is closed without writing anything. */
      if (g_strcmp0 (kind, "rejected") != 0 && g_strcmp0 (kind, "unapplied") != 0)
        {
          g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CORRUPT,
                       _("This conflict's saved values are damaged and cannot be kept."));
          return FALSE;
        }
      chosen = json_object_new ();
    }
  want_deleted = json_object_has_member (chosen, "deleted") &&
                 json_object_get_int_member (chosen, "deleted") != 0;

  /* A rejected or unreadable change has nothing to write back: the choice
   * only closes it.  Every other kind writes the chosen side. */
  if (spec != NULL && g_strcmp0 (kind, "rejected") != 0 && g_strcmp0 (kind, "unapplied") != 0)
    {
      deleted = row_is_deleted (store, table, row_id, &exists);
      set = evg_field_set_new (spec);
      fill_fields (set, chosen);
      if (!exists)
        ;
      else if (want_deleted)
        {
          if (!deleted && !evg_txn_delete (txn, table, row_id, error))
            return FALSE;
        }
      else if (deleted)
        {
          if (!evg_txn_restore (txn, row_id, set, error))
            return FALSE;
        }
      else if (evg_field_set_count (set) > 0)
        {
          /* Writing the value even when it is already shown gives it a
           * clock newer than the other side's, so both sides settle on it. */
          if (!evg_txn_rewrite (txn, row_id, set, error))
            return FALSE;
        }
    }

  stmt = evg_store_prepare (store, "UPDATE conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conflict_id);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 3, resolution == EVG_SYNC_RESOLUTION_KEEP_LOCAL ? "keep_local" : "keep_remote",
                     -1, SQLITE_STATIC);
  if (!evg_sqlite_step_done (sqlite, stmt, error))
    return FALSE;

  return evg_txn_commit (txn, error);
}
