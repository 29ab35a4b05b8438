/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>

#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-schema.h"
#include "evg-store-private.h"
#include "evg-sync-merge.h"
#include "evg-sync-private.h"
#include "evg-txn.h"

/* The client's half of SYNC.md on the local database: taking outbox entries
 * into a batch, acknowledging them, applying pulled pages with their cursor,
 * and the conflicts table.  Each step is one transaction, so a kill at any
 * instant leaves either the step done or not begun. */

/* Lets the sync tests kill the client at an exact step (EVG_FAILPOINT). */
void
evg_sync_failpoint (const char *name)
{
  const char *wanted = g_getenv ("EVG_FAILPOINT");

  if (wanted != NULL && g_strcmp0 (wanted, name) == 0)
    raise (SIGKILL);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

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
      info->url = column_dup (stmt, 0);
      info->epoch = column_dup (stmt, 1);
      info->pull_cursor = sqlite3_column_int64 (stmt, 2);
      info->last_sync_at = sqlite3_column_int64 (stmt, 3);
      info->last_error = column_dup (stmt, 4);
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

/* Outbox entries that point at their row.
 *
 * An insert's outbox entry mostly holds no values (EVG_OUTBOX_FIELDS_FROM_ROW,
 * see the outbox in evg-schema.c): they are read from the row when the
 * entry is sent, or when the server's answer to it is kept as a conflict.
 * The row may have changed since the insert, so this sends its current
 * values under the insert's clock.  That converges to the same state as
 * sending the values as inserted:
 * - the row's later local changes are outbox entries after the insert's
 *   (seq order), with newer clocks, and go out after it, in the same batch
 *   or a later one; on every replica they set the same values again, with
 *   clocks that win, whichever values the insert carried;
 * - nobody else can change the row before its insert reached the server:
 *   its id was made here, and other replicas learn it only from the insert;
 * - a batch sent again (a lost answer) is answered from the server's record
 *   of the batch, or its changes are found duplicate by change_id, so a
 *   re-read that differs from the first is never applied twice;
 * - after a server restored from an old backup, acknowledged entries go out
 *   again (evg_sync_begin_resync()): if the server lost the insert it
 *   also lost everything that came after it, and every replica sends its
 *   later changes of the row again with their newer clocks;
 * - rows are never removed from synced tables (deleting leaves a tombstone,
 *   and the delete is an entry of its own), so the row is always there.
 * Tables whose inserts the server checks as first made (a transfer must
 * begin as issued) keep a copy instead (insert_keeps_values). */

typedef struct
{
  const EvgTableSpec *spec;
  sqlite3_stmt       *stmt;
} RowReader;

/* The statements that read rows for entries pointing at them, one per
 * synced table at most, found once per batch. */
typedef struct
{
  RowReader readers[8];
  guint     n_readers;
} RowReaders;

/* The SELECT of a table's data columns by id; made once per table for the
 * life of the process, as the store caches statements by their SQL. */
static const char *
row_sql (const EvgTableSpec *spec)
{
  static GHashTable *sql_by_table;
  G_LOCK_DEFINE_STATIC (sql_by_table);
  const char *sql;

  G_LOCK (sql_by_table);
  if (sql_by_table == NULL)
    sql_by_table = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  sql = g_hash_table_lookup (sql_by_table, spec);
  if (sql == NULL)
    {
      GString *text = g_string_new ("SELECT ");

      for (guint i = 0; i < spec->n_columns; i++)
        g_string_append_printf (text, i == 0 ? "%s" : ", %s", spec->columns[i].name);
      g_string_append_printf (text, " FROM %s WHERE id = ?", spec->name);
      sql = g_string_free (text, FALSE);
      g_hash_table_insert (sql_by_table, (gpointer) spec, (gpointer) sql);
    }
  G_UNLOCK (sql_by_table);
  return sql;
}

/* Appends the row's values as the JSON object of an insert, in the form of
 * evg_field_set_append_json(): columns in the table's order, integers as
 * numbers, and no NULL column, which is what an insert leaves unset. */
static gboolean
append_row_fields (EvgStore    *store,
                   RowReaders  *readers,
                   const char  *table,
                   const char  *row_id,
                   GString     *out,
                   GError     **error)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (table);
  sqlite3_stmt *stmt = NULL;
  gboolean first = TRUE;
  int rc;

  if (spec == NULL)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                   "The outbox names an unknown table “%s”", table);
      return FALSE;
    }
  for (guint i = 0; i < readers->n_readers && stmt == NULL; i++)
    if (readers->readers[i].spec == spec)
      stmt = readers->readers[i].stmt;
  if (stmt == NULL)
    {
      stmt = evg_store_prepare (store, row_sql (spec), error);
      if (stmt == NULL)
        return FALSE;
      if (readers->n_readers < G_N_ELEMENTS (readers->readers))
        readers->readers[readers->n_readers++] = (RowReader) { spec, stmt };
    }

  sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_FOUND,
                     "The outbox entry of %s %s points at a row that does not exist", table, row_id);
      else
        evg_store_set_error (store, rc, error);
      return FALSE;
    }

  g_string_append_c (out, '{');
  for (guint i = 0; i < spec->n_columns; i++)
    {
      int type = sqlite3_column_type (stmt, (int) i);

      if (type == SQLITE_NULL)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      evg_json_append_string (out, spec->columns[i].name);
      g_string_append_c (out, ':');
      if (spec->columns[i].type == EVG_COLUMN_INT)
        g_string_append_printf (out, "%" G_GINT64_FORMAT,
                                (gint64) sqlite3_column_int64 (stmt, (int) i));
      else
        evg_json_append_string (out, (const char *) sqlite3_column_text (stmt, (int) i));
    }
  g_string_append_c (out, '}');
  sqlite3_reset (stmt);
  return TRUE;
}

/* An entry's values as JSON: its own, or its row's when it points there.
 * The result lives in @scratch or in @stmt's column until either changes. */
static const char *
entry_fields (EvgStore      *store,
              RowReaders    *readers,
              sqlite3_stmt  *stmt,
              int            fields_col,
              const char    *table,
              const char    *row_id,
              GString       *scratch,
              GError       **error)
{
  const char *fields = (const char *) sqlite3_column_text (stmt, fields_col);

  if (fields == NULL || strcmp (fields, EVG_OUTBOX_FIELDS_FROM_ROW) != 0)
    return fields;
  g_string_truncate (scratch, 0);
  if (!append_row_fields (store, readers, table, row_id, scratch, error))
    return NULL;
  return scratch->str;
}

/**
 * evg_sync_take_batch:
 * @body: receives the whole push request
 *
 * Returns the batch to send: the oldest batch already on its way if there
 * is one (it must go again unchanged, with the same id, until it is
 * answered), else up to @max_changes pending entries made into a new batch.
 * The new batch (its range of seqs in outbox_batch) is committed before
 * anything is sent, so a kill after this point resends the very same
 * batch.  *n_changes is 0, and *batch_id NULL, when nothing waits.
 *
 * @in_flight names a batch being sent right now: the client makes the next
 * batch while the server works on that one, and sends it only after the
 * answer, so batches still reach the server in order.
 */
gboolean
evg_sync_take_batch (EvgStore    *store,
                     guint        max_changes,
                     const char  *in_flight,
                     char       **batch_id,
                     GString   *body,
                     guint     *n_changes,
                     GError   **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  g_autofree char *id = NULL;
  g_autofree char *epoch = NULL;
  g_autoptr(GString) scratch = g_string_new (NULL);
  RowReaders readers = { 0 };
  sqlite3_stmt *stmt;
  gint64 first = 0, last = 0;
  int rc;

  *batch_id = NULL;
  *n_changes = 0;
  g_string_truncate (body, 0);

  if (!evg_sqlite_begin (sqlite, error))
    return FALSE;

  /* See the outbox in evg-schema.c: a batch is a range of seqs. */
  stmt = evg_store_prepare (store, "SELECT batch_id, first_seq, last_seq FROM outbox_batch "
                                   "WHERE batch_id IS NOT ?1 ORDER BY first_seq LIMIT 1", error);
  if (stmt == NULL)
    return evg_sqlite_rollback (sqlite);
  sqlite3_bind_text (stmt, 1, in_flight, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = column_dup (stmt, 0);
      first = sqlite3_column_int64 (stmt, 1);
      last = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);

  if (id == NULL)
    {
      /* The entries after everything acknowledged or on its way. */
      stmt = evg_store_prepare (store, "SELECT min (seq), max (seq) FROM "
                                       "  (SELECT seq FROM outbox WHERE seq > "
                                       "     (SELECT max (acked_seq, coalesce ((SELECT max (last_seq) "
                                       "                                        FROM outbox_batch), 0)) "
                                       "      FROM sync_state WHERE id = 1) "
                                       "   ORDER BY seq LIMIT ?1)", error);
      if (stmt == NULL)
        return evg_sqlite_rollback (sqlite);
      sqlite3_bind_int (stmt, 1, (int) max_changes);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        {
          first = sqlite3_column_int64 (stmt, 0);
          last = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        {
          evg_store_set_error (store, rc, error);
          return evg_sqlite_rollback (sqlite);
        }
      if (first == 0)
        return evg_sqlite_commit (sqlite, error) || evg_sqlite_rollback (sqlite);

      id = g_uuid_string_random ();
      stmt = evg_store_prepare (store, "INSERT INTO outbox_batch (batch_id, first_seq, last_seq) "
                                       "VALUES (?, ?, ?)", error);
      if (stmt == NULL)
        return evg_sqlite_rollback (sqlite);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, first);
      sqlite3_bind_int64 (stmt, 3, last);
      if (!evg_sqlite_step_done (sqlite, stmt, error))
        return evg_sqlite_rollback (sqlite);
    }

  stmt = evg_store_prepare (store, "SELECT server_epoch FROM sync_state WHERE id = 1", error);
  if (stmt == NULL)
    return evg_sqlite_rollback (sqlite);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    epoch = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  g_string_append_printf (body, "{\"protocol\":%d,\"batch_id\":", EVG_SYNC_PROTOCOL_VERSION);
  evg_json_append_string (body, id);
  g_string_append (body, ",\"site\":");
  evg_json_append_string (body, evg_store_get_site_id (store));
  g_string_append (body, ",\"epoch\":");
  if (epoch != NULL)
    evg_json_append_string (body, epoch);
  else
    g_string_append (body, "null");
  g_string_append (body, ",\"changes\":[");

  stmt = evg_store_prepare (store, "SELECT change_id, tbl, row_id, op, fields, hlc, base_hlc "
                                   "FROM outbox WHERE seq BETWEEN ? AND ? ORDER BY seq", error);
  if (stmt == NULL)
    return evg_sqlite_rollback (sqlite);
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, last);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 1);
      const char *row_id = (const char *) sqlite3_column_text (stmt, 2);
      const char *fields = entry_fields (store, &readers, stmt, 4, table, row_id, scratch, error);

      if (fields == NULL)
        {
          sqlite3_reset (stmt);
          return evg_sqlite_rollback (sqlite);
        }
      if (*n_changes > 0)
        g_string_append_c (body, ',');
      evg_sync_append_change (body,
                              (const char *) sqlite3_column_text (stmt, 0),
                              table,
                              row_id,
                              (const char *) sqlite3_column_text (stmt, 3),
                              fields,
                              (const char *) sqlite3_column_text (stmt, 5),
                              (const char *) sqlite3_column_text (stmt, 6),
                              evg_store_get_site_id (store),
                              0);
      (*n_changes)++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_store_set_error (store, rc, error);
      return evg_sqlite_rollback (sqlite);
    }
  g_string_append (body, "]}");

  if (!evg_sqlite_commit (sqlite, error))
    return evg_sqlite_rollback (sqlite);

  *batch_id = g_steal_pointer (&id);
  return TRUE;
}

/* Records a conflict, or refreshes the open one about the same record and
 * kind: a person should see one entry per disagreement, not one per sync. */
static gboolean
add_conflict (EvgStore    *store,
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

/* Moves the entry @seq to the end of the outbox, unchanged: it takes the
 * next seq of the AUTOINCREMENT sequence, which is then used up, so no
 * entry written later can take it. */
static gboolean
requeue_entry (EvgStore  *store,
               gint64     seq,
               GError   **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  sqlite3_stmt *stmt;

  stmt = evg_store_prepare (store, "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'outbox'",
                            error);
  if (stmt == NULL || !evg_sqlite_step_done (sqlite, stmt, error))
    return FALSE;
  stmt = evg_store_prepare (store, "UPDATE outbox SET seq = "
                                   "  (SELECT seq FROM sqlite_sequence WHERE name = 'outbox') "
                                   "WHERE seq = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  return evg_sqlite_step_done (sqlite, stmt, error);
}

/* Keeps the range of sequence numbers the server gave this push's changes
 * (see own_seq_range in evg-schema.c).  Applied and conflicting changes
 * were logged in the push's one transaction, so their numbers are the
 * only ones of the branch in that range; a duplicate names an older
 * entry and is left out. */
static gboolean
note_own_seqs (EvgStore             *store,
               EvgSyncPushResponse  *response,
               GError              **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  sqlite3_stmt *stmt;
  gint64 low = 0, high = 0;

  for (guint i = 0; i < response->results->len; i++)
    {
      EvgSyncResult *result = g_ptr_array_index (response->results, i);

      if ((result->status != EVG_SYNC_STATUS_APPLIED && result->status != EVG_SYNC_STATUS_CONFLICT) ||
          result->seq <= 0)
        continue;
      g_hash_table_add (seen, &result->seq);
      low = low == 0 ? result->seq : MIN (low, result->seq);
      high = MAX (high, result->seq);
    }
  if (low == 0)
    return TRUE;

  /* The range right after the last one, as when a first upload's batches
   * follow each other, extends it. */
  stmt = evg_store_prepare (store, "UPDATE own_seq_range SET last_seq = ?2, n_changes = n_changes + ?3 "
                                   "WHERE last_seq = ?1 - 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, low);
  sqlite3_bind_int64 (stmt, 2, high);
  sqlite3_bind_int64 (stmt, 3, g_hash_table_size (seen));
  if (!evg_sqlite_step_done (sqlite, stmt, error))
    return FALSE;
  if (sqlite3_changes (evg_store_get_db (store)) > 0)
    return TRUE;
  stmt = evg_store_prepare (store, "INSERT OR IGNORE INTO own_seq_range (first_seq, last_seq, n_changes) "
                                   "VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, low);
  sqlite3_bind_int64 (stmt, 2, high);
  sqlite3_bind_int64 (stmt, 3, g_hash_table_size (seen));
  return evg_sqlite_step_done (sqlite, stmt, error);
}

/**
 * evg_sync_known_ranges:
 *
 * The `known` parameter of a pull from @cursor: the ranges of this
 * database's own changes after it, lowest first, each with the number of
 * changes it holds, as "FIRST-LAST:COUNT,…"; NULL when there are none.
 */
char *
evg_sync_known_ranges (EvgStore  *store,
                       gint64     cursor)
{
  g_autoptr(GString) text = g_string_new (NULL);
  sqlite3_stmt *stmt;

  stmt = evg_store_prepare (store, "SELECT first_seq, last_seq, n_changes FROM own_seq_range "
                                   "WHERE last_seq > ? ORDER BY first_seq LIMIT ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, cursor);
  sqlite3_bind_int (stmt, 2, EVG_SYNC_MAX_KNOWN_RANGES);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                            text->len > 0 ? "," : "",
                            (gint64) sqlite3_column_int64 (stmt, 0),
                            (gint64) sqlite3_column_int64 (stmt, 1),
                            (gint64) sqlite3_column_int64 (stmt, 2));
  sqlite3_reset (stmt);
  return text->len > 0 ? g_strdup (text->str) : NULL;
}

/**
 * evg_sync_ack_batch:
 *
 * Takes the server's answer to a batch, in one transaction: every answered
 * entry is acked, and conflicts and rejections become rows in `conflicts`,
 * so nothing the server refused is dropped.
 */
gboolean
evg_sync_ack_batch (EvgStore             *store,
                    const char           *batch_id,
                    EvgSyncPushResponse  *response,
                    EvgSyncReport        *report,
                    GError              **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  g_autoptr(GHashTable) answers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GArray) unanswered = g_array_new (FALSE, FALSE, sizeof (gint64));
  RowReaders readers = { 0 };
  sqlite3_stmt *stmt;
  gint64 first = 0, last = 0;
  gboolean older = FALSE;
  int rc;

  if (g_strcmp0 (batch_id, response->batch_id) != 0)
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE,
                   _("The server answered a different batch than the one sent."));
      return FALSE;
    }
  for (guint i = 0; i < response->results->len; i++)
    {
      EvgSyncResult *result = g_ptr_array_index (response->results, i);

      g_hash_table_insert (answers, result->change_id, result);
    }

  if (!evg_sqlite_begin (sqlite, error))
    return FALSE;

  stmt = evg_store_prepare (store, "SELECT first_seq, last_seq, "
                                   "  EXISTS (SELECT 1 FROM outbox_batch o WHERE o.first_seq < b.first_seq) "
                                   "FROM outbox_batch b WHERE batch_id = ?", error);
  if (stmt == NULL)
    return evg_sqlite_rollback (sqlite);
  sqlite3_bind_text (stmt, 1, batch_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      first = sqlite3_column_int64 (stmt, 0);
      last = sqlite3_column_int64 (stmt, 1);
      older = sqlite3_column_int (stmt, 2) != 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      evg_store_set_error (store, rc, error);
      return evg_sqlite_rollback (sqlite);
    }
  /* Batches are answered in the order they went out; acked_seq cannot
   * say that a later batch is settled while an earlier one is not. */
  if (older)
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE,
                   _("The server answered a batch before the one sent ahead of it."));
      return evg_sqlite_rollback (sqlite);
    }

  /* Walks the batch, not the answer: an answer can only settle entries
   * that were sent, and an entry it leaves out is not taken as settled.
   * A batch already settled (no row) has nothing left to walk. */
  stmt = evg_store_prepare (store, "SELECT change_id, tbl, row_id, fields, seq FROM outbox "
                                   "WHERE seq BETWEEN ? AND ? ORDER BY seq", error);
  if (stmt == NULL)
    return evg_sqlite_rollback (sqlite);
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, last);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *change_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *table = (const char *) sqlite3_column_text (stmt, 1);
      const char *row_id = (const char *) sqlite3_column_text (stmt, 2);
      EvgSyncResult *result = g_hash_table_lookup (answers, change_id);
      const char *fields;

      if (result == NULL)
        {
          gint64 seq = sqlite3_column_int64 (stmt, 4);

          g_array_append_val (unanswered, seq);
          continue;
        }
      /* What a person sees as this side's value of a refused insert is the
       * row as it is now, edits since included. */
      if (result->status != EVG_SYNC_STATUS_APPLIED && result->status != EVG_SYNC_STATUS_DUPLICATE)
        {
          fields = entry_fields (store, &readers, stmt, 3, table, row_id, scratch, error);
          if (fields == NULL)
            goto fail;
        }
      else
        fields = NULL;

      switch (result->status)
        {
        case EVG_SYNC_STATUS_APPLIED:
          report->pushed++;
          break;
        case EVG_SYNC_STATUS_DUPLICATE:
          report->duplicates++;
          break;
        case EVG_SYNC_STATUS_CONFLICT:
          {
            const char *remote = result->remote != NULL ? result->remote : "{}";

            report->pushed++;
            report->conflicts++;
            if (!add_conflict (store, table, row_id, result->kind != NULL ? result->kind : "conflict",
                               fields, remote, change_id, error))
              goto fail;
          }
          break;
        case EVG_SYNC_STATUS_REJECTED:
        default:
          {
            GString *remote = g_string_new ("{\"reason\":");
            g_autofree char *remote_text = NULL;

            evg_json_append_string (remote, result->reason != NULL ? result->reason : "rejected");
            g_string_append_c (remote, '}');
            remote_text = g_string_free (remote, FALSE);
            report->rejected++;
            if (!add_conflict (store, table, row_id, "rejected", fields, remote_text, change_id, error))
              goto fail;
          }
          break;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_store_set_error (store, rc, error);
      return evg_sqlite_rollback (sqlite);
    }

  /* Entries the answer left out go into a later batch rather than being
   * resent forever under an id the server has answered: each is written
   * again after every other entry, with its change id, so that the
   * server still finds it a duplicate if it had it after all. */
  for (guint i = 0; i < unanswered->len; i++)
    if (!requeue_entry (store, g_array_index (unanswered, gint64, i), error))
      return evg_sqlite_rollback (sqlite);

  if (first > 0)
    {
      if (!note_own_seqs (store, response, error))
        return evg_sqlite_rollback (sqlite);
      stmt = evg_store_prepare (store, "DELETE FROM outbox_batch WHERE batch_id = ?", error);
      if (stmt == NULL)
        return evg_sqlite_rollback (sqlite);
      sqlite3_bind_text (stmt, 1, batch_id, -1, SQLITE_STATIC);
      if (!evg_sqlite_step_done (sqlite, stmt, error))
        return evg_sqlite_rollback (sqlite);
      stmt = evg_store_prepare (store, "UPDATE sync_state SET acked_seq = max (acked_seq, ?) "
                                       "WHERE id = 1", error);
      if (stmt == NULL)
        return evg_sqlite_rollback (sqlite);
      sqlite3_bind_int64 (stmt, 1, last);
      if (!evg_sqlite_step_done (sqlite, stmt, error))
        return evg_sqlite_rollback (sqlite);
    }

  stmt = evg_store_prepare (store, "UPDATE sync_state SET server_epoch = coalesce (server_epoch, ?) "
                                   "WHERE id = 1", error);
  if (stmt == NULL)
    return evg_sqlite_rollback (sqlite);
  sqlite3_bind_text (stmt, 1, response->epoch, -1, SQLITE_STATIC);
  if (!evg_sqlite_step_done (sqlite, stmt, error))
    return evg_sqlite_rollback (sqlite);

  return evg_sqlite_commit (sqlite, error) || evg_sqlite_rollback (sqlite);

fail:
  sqlite3_reset (stmt);
  return evg_sqlite_rollback (sqlite);
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
      return add_conflict (ctx->store, change->table, change->row_id, "unapplied", NULL,
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
      ok = add_conflict (ctx->store, change->table, change->row_id, kind, local, remote,
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
      ok = add_conflict (ctx->store, change->table, change->row_id, "unapplied", NULL,
                         change->fields_json, change->change_id, error);
    }

out:
  evg_sync_merge_result_clear (&merge);
  g_clear_pointer (&record.values, json_object_unref);
  g_clear_pointer (&record.clocks, json_object_unref);
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
        if (!add_conflict (ctx->store, table, row_id != NULL ? row_id : "", "unapplied", NULL,
                           remote_text, NULL, error))
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

/**
 * evg_sync_begin_resync:
 * @epoch: the server's new epoch
 *
 * The server lost part of its history (restored from a backup).  Every
 * change it ever confirmed goes back into the outbox, to be sent again: the
 * server keeps the ones it still has as duplicates and takes the rest.  The
 * pull starts over from the beginning of its log.
 */
gboolean
evg_sync_begin_resync (EvgStore    *store,
                       const char  *epoch,
                       GError     **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  sqlite3_stmt *stmt;

  if (!evg_sqlite_begin (sqlite, error))
    return FALSE;
  stmt = evg_store_prepare (store, "DELETE FROM outbox_batch", error);
  if (stmt == NULL || !evg_sqlite_step_done (sqlite, stmt, error))
    return evg_sqlite_rollback (sqlite);
  stmt = evg_store_prepare (store, "DELETE FROM own_seq_range", error);
  if (stmt == NULL || !evg_sqlite_step_done (sqlite, stmt, error))
    return evg_sqlite_rollback (sqlite);
  stmt = evg_store_prepare (store, "UPDATE sync_state SET acked_seq = 0, pull_cursor = 0, "
                                   "server_epoch = ? WHERE id = 1", error);
  if (stmt == NULL)
    return evg_sqlite_rollback (sqlite);
  sqlite3_bind_text (stmt, 1, epoch, -1, SQLITE_STATIC);
  if (!evg_sqlite_step_done (sqlite, stmt, error))
    return evg_sqlite_rollback (sqlite);
  return evg_sqlite_commit (sqlite, error) || evg_sqlite_rollback (sqlite);
}

/* Replaces one clock text by another wherever a local write stored it. */
static gboolean
restamp_row (EvgStore    *store,
             const char  *table,
             const char  *row_id,
             const char  *old_hlc,
             const char  *new_hlc,
             GError     **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  g_autofree char *sql = NULL;
  g_autofree char *quoted_old = g_strdup_printf ("\"%s\"", old_hlc);
  g_autofree char *quoted_new = g_strdup_printf ("\"%s\"", new_hlc);
  sqlite3_stmt *stmt;

  if (evg_schema_lookup_table (table) == NULL)
    return TRUE;
  sql = g_strdup_printf ("UPDATE %s SET hlc = CASE WHEN hlc = ?1 THEN ?2 ELSE hlc END, "
                         "field_hlc = replace (field_hlc, ?3, ?4) WHERE id = ?5", table);
  stmt = evg_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, old_hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, new_hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, quoted_old, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, quoted_new, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, row_id, -1, SQLITE_STATIC);
  return evg_sqlite_step_done (sqlite, stmt, error);
}

/**
 * evg_sync_rebase_clocks:
 * @server_ms: the server's time from its clock_skew answer
 *
 * Changes stamped while this PC's clock ran ahead are refused by the server
 * until real time catches up with them, which may be years.  Once the
 * clock is right again, the unsent changes get new clocks from now on, in
 * their original order, in the outbox and in their rows alike, and the
 * local clock is wound back to match.  They have reached nobody yet, so
 * nobody else has seen the old stamps.  Returns the number restamped.
 */
gint64
evg_sync_rebase_clocks (EvgStore  *store,
                        gint64     server_ms,
                        GError   **error)
{
  EvgSqlite *sqlite = evg_store_get_sqlite (store);
  g_autoptr(GPtrArray) seqs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) renamed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  char limit[EVG_HLC_TEXT_LEN + 1];
  guint64 next = evg_hlc_pack (MAX (server_ms, evg_hlc_wall_ms ()), 0);
  sqlite3_stmt *stmt;
  gint64 count = 0;
  int rc;

  evg_hlc_format (evg_hlc_pack (server_ms + EVG_SYNC_MAX_SKEW_MS / 2, 0), limit);
  if (!evg_sqlite_begin (sqlite, error))
    return -1;

  stmt = evg_store_prepare (store, "SELECT seq, tbl, row_id, hlc, base_hlc FROM outbox "
                                   "WHERE seq > (SELECT acked_seq FROM sync_state WHERE id = 1) "
                                   "AND hlc > ? ORDER BY seq", error);
  if (stmt == NULL)
    return evg_sqlite_rollback (sqlite), -1;
  sqlite3_bind_text (stmt, 1, limit, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char fresh[EVG_HLC_TEXT_LEN + 1];
      const char *old_hlc = (const char *) sqlite3_column_text (stmt, 3);

      evg_hlc_format (++next, fresh);
      g_hash_table_insert (renamed, g_strdup (old_hlc), g_strdup (fresh));
      /* seq, table, row, old clock */
      g_ptr_array_add (seqs, g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s\x1f%s\x1f%s",
                                              (gint64) sqlite3_column_int64 (stmt, 0),
                                              sqlite3_column_text (stmt, 1),
                                              sqlite3_column_text (stmt, 2), old_hlc));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_store_set_error (store, rc, error);
      return evg_sqlite_rollback (sqlite), -1;
    }

  for (guint i = 0; i < seqs->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (seqs, i), "\x1f", 4);
      const char *fresh = g_hash_table_lookup (renamed, parts[3]);

      if (!restamp_row (store, parts[1], parts[2], parts[3], fresh, error))
        return evg_sqlite_rollback (sqlite), -1;
      /* A base from the bad clock is one of these changes: map it too. */
      stmt = evg_store_prepare (store, "UPDATE outbox SET hlc = ?2, base_hlc = coalesce (?3, base_hlc) "
                                       "WHERE seq = ?1", error);
      if (stmt == NULL)
        return evg_sqlite_rollback (sqlite), -1;
      sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (parts[0], NULL, 10));
      sqlite3_bind_text (stmt, 2, fresh, -1, SQLITE_STATIC);
      sqlite3_bind_null (stmt, 3);
      {
        g_autofree char *base = NULL;
        sqlite3_stmt *get = evg_store_prepare (store, "SELECT base_hlc FROM outbox WHERE seq = ?", error);

        if (get == NULL)
          return evg_sqlite_rollback (sqlite), -1;
        sqlite3_bind_int64 (get, 1, g_ascii_strtoll (parts[0], NULL, 10));
        if (sqlite3_step (get) == SQLITE_ROW && sqlite3_column_type (get, 0) != SQLITE_NULL)
          base = g_strdup ((const char *) sqlite3_column_text (get, 0));
        sqlite3_reset (get);
        if (base != NULL && g_hash_table_contains (renamed, base))
          sqlite3_bind_text (stmt, 3, g_hash_table_lookup (renamed, base), -1, SQLITE_TRANSIENT);
      }
      if (!evg_sqlite_step_done (sqlite, stmt, error))
        return evg_sqlite_rollback (sqlite), -1;
      count++;
    }

  /* The batch the server refused was never stored there: the entries it
   * held go out again in a new one. */
  stmt = evg_store_prepare (store, "DELETE FROM outbox_batch", error);
  if (stmt == NULL || !evg_sqlite_step_done (sqlite, stmt, error))
    return evg_sqlite_rollback (sqlite), -1;

  {
    char last[EVG_HLC_TEXT_LEN + 1];

    evg_hlc_format (next, last);
    stmt = evg_store_prepare (store, "UPDATE sync_state SET last_hlc = ? WHERE id = 1", error);
    if (stmt == NULL)
      return evg_sqlite_rollback (sqlite), -1;
    sqlite3_bind_text (stmt, 1, last, -1, SQLITE_STATIC);
    if (!evg_sqlite_step_done (sqlite, stmt, error))
      return evg_sqlite_rollback (sqlite), -1;
  }

  if (!evg_sqlite_commit (sqlite, error))
    return evg_sqlite_rollback (sqlite), -1;
  return count;
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
      table = column_dup (stmt, 0);
      row_id = column_dup (stmt, 1);
      kind = column_dup (stmt, 2);
      local = column_dup (stmt, 3);
      remote = column_dup (stmt, 4);
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
