/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <string.h>

#include "evg-store-private.h"
#include "evg-sync-private.h"

/* The sync_state row as the client shows it: the server, the cursor, when
 * the last sync ended and how, and what waits. */


void
evg_sync_state_info_clear (EvgSyncStateInfo *info)
{
  g_clear_pointer (&info->url, g_free);
  g_clear_pointer (&info->epoch, g_free);
  g_clear_pointer (&info->last_error, g_free);
}

gboolean
evg_sync_read_state (EvgStore          *store,
                     EvgSyncStateInfo  *info,
                     GError           **error)
{
  sqlite3_stmt *stmt;
  int rc;

  memset (info, 0, sizeof *info);
  stmt = evg_store_prepare (store,
                            "SELECT (SELECT value FROM meta WHERE key = 'sync_url'), server_epoch, "
                            "  pull_cursor, coalesce (last_sync_at, 0), last_error, "
                            "  (SELECT count(*) FROM outbox WHERE seq > acked_seq), "
                            "  (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL) "
                            "FROM sync_state WHERE id = 1",
                            error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      info->url = evg_sync_column_dup (stmt, 0);
      info->epoch = evg_sync_column_dup (stmt, 1);
      info->pull_cursor = sqlite3_column_int64 (stmt, 2);
      info->last_sync_at = sqlite3_column_int64 (stmt, 3);
      info->last_error = evg_sync_column_dup (stmt, 4);
      info->pending = sqlite3_column_int64 (stmt, 5);
      info->open_conflicts = sqlite3_column_int64 (stmt, 6);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      evg_store_set_error (store, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
evg_sync_record_result (EvgStore    *store,
                        gboolean     success,
                        const char  *error_message,
                        GError     **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  sqlite3_stmt *stmt;

  if (success)
    stmt = evg_store_prepare (store, "UPDATE sync_state SET last_sync_at = ?1, last_error = NULL "
                                     "WHERE id = 1", error);
  else
    stmt = evg_store_prepare (store, "UPDATE sync_state SET last_error = ?2 WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  if (success)
    sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  else
    sqlite3_bind_text (stmt, 2, error_message, -1, SQLITE_STATIC);
  return evg_sqlite_step_done (sqlite, stmt, error);
}
