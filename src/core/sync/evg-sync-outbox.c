/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-schema.h"
#include "evg-store-private.h"
#include "evg-sync-private.h"

/* The outbox on its way to the server: taking entries into a batch,
 * taking the server's answer to it, the ranges of its own changes a pull
 * names, and putting entries back on their way when the server lost them
 * (a restore from a backup) or refused their clocks (this PC's clock ran
 * ahead).  Each step is one transaction. */


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
      id = evg_sync_column_dup (stmt, 0);
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
    epoch = evg_sync_column_dup (stmt, 0);
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
            if (!evg_sync_add_conflict (store, table, row_id,
                                        result->kind != NULL ? result->kind : "conflict",
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
            if (!evg_sync_add_conflict (store, table, row_id, "rejected", fields, remote_text,
                                        change_id, error))
              goto fail;
            /* A final record comes back as the server holds it. */
            if (g_strcmp0 (result->reason, "locked") == 0 &&
                !evg_sync_restore_record (store, table, row_id, result->remote, result->remote_clocks,
                                          error))
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
