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
#include "evg-sync-merge.h"
#include "evg-sync-protocol.h"

/* A pull: a page of the branch's change log after a cursor, leaving out
 * what the workstation says it holds. */

static gboolean
parse_count (const char *text,
             gint64      fallback,
             gint64     *value)
{
  guint64 parsed;

  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &parsed, NULL))
    return FALSE;
  *value = (gint64) parsed;
  return TRUE;
}

typedef struct
{
  gint64   first;
  gint64   last;
  gint64   count;    /* the client's own changes in it, 0 when not said */
  gboolean whole;    /* the branch's log holds nothing else in it */
} SeqRange;

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const SeqRange *x = a, *y = b;

  return (x->first > y->first) - (x->first < y->first);
}

/* Reads `known`: "FIRST-LAST[:COUNT],…", at most EVG_SYNC_MAX_KNOWN_RANGES
 * ranges of sequence numbers, returned in order of their first. */
static gboolean
parse_known (const char *text,
             GArray     *ranges)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) > EVG_SYNC_MAX_KNOWN_RANGES)
    return FALSE;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *dash = strchr (parts[i], '-');
      const char *colon = strchr (parts[i], ':');
      g_autofree char *first = NULL;
      g_autofree char *last = NULL;
      SeqRange range = { 0 };

      if (dash == NULL || (colon != NULL && colon < dash))
        return FALSE;
      first = g_strndup (parts[i], dash - parts[i]);
      last = colon != NULL ? g_strndup (dash + 1, colon - dash - 1) : g_strdup (dash + 1);
      if (!parse_count (first, 0, &range.first) || !parse_count (last, 0, &range.last) ||
          range.first < 1 || range.last < range.first ||
          (colon != NULL && (!parse_count (colon + 1, 0, &range.count) || range.count < 1)))
        return FALSE;
      g_array_append_val (ranges, range);
    }
  g_array_sort (ranges, compare_ranges);
  return TRUE;
}

/* Whether @seq lies in one of @ranges, asked in rising order of @seq:
 * *at moves along the ranges as the sequence numbers grow. */
static gboolean
seq_is_known (GArray *ranges,
              guint  *at,
              gint64  seq)
{
  for (; *at < ranges->len; (*at)++)
    {
      const SeqRange *range = &g_array_index (ranges, SeqRange, *at);

      if (seq < range->first)
        return FALSE;
      if (seq <= range->last)
        return TRUE;
    }
  return FALSE;
}

/**
 * evg_server_db_pull:
 *
 * Answers one page of @branch's change log after `since`.  `next` is the
 * last sequence number in the page, so a client that stores it with the
 * page's changes never skips one.
 *
 * With `site`, that workstation's own changes come as stubs (their id and
 * seq), which it checks against its outbox.  `known` lists ranges of
 * sequence numbers its pushes were answered with: its own changes in them
 * are left out altogether, and `next` moves past them.  A first upload
 * then needs no second trip to fetch a stub of each of its changes.  Only
 * changes with the workstation's site are left out, and the ranges came
 * to that very database, so a copy of it from before a push still gets
 * stubs of that push's changes and notices that it lacks them.  A range
 * may say how many changes it holds (FIRST-LAST:COUNT); when the branch's
 * log holds just that many entries in it, the page passes over it unread.
 */
void
evg_server_db_pull (EvgServerDb    *db,
                    const char     *branch,
                    GHashTable     *query,
                    EvgServerReply *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;
  const char *epoch = query != NULL ? g_hash_table_lookup (query, "epoch") : NULL;
  const char *site = query != NULL ? g_hash_table_lookup (query, "site") : NULL;
  g_autoptr(GArray) known = g_array_new (FALSE, FALSE, sizeof (SeqRange));
  gint64 since, limit, max_seq = 0, next, count = 0, scanned = 0, known_counted = 0;
  gboolean more = FALSE;
  guint known_at = 0;
  sqlite3_stmt *stmt;
  int rc;

  if (!parse_count (query != NULL ? g_hash_table_lookup (query, "since") : NULL, 0, &since) ||
      !parse_count (query != NULL ? g_hash_table_lookup (query, "limit") : NULL,
                    EVG_SYNC_DEFAULT_PULL_LIMIT, &limit) || limit < 1)
    {
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_BAD_REQUEST,
                              "since and limit must be whole numbers, limit at least 1.");
      return;
    }
  if (!parse_known (query != NULL ? g_hash_table_lookup (query, "known") : NULL, known))
    {
      g_autofree char *message = g_strdup_printf ("known must be at most %d ranges FIRST-LAST "
                                                  "or FIRST-LAST:COUNT of whole numbers, "
                                                  "separated by commas.",
                                                  EVG_SYNC_MAX_KNOWN_RANGES);
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_BAD_REQUEST, message);
      return;
    }
  if (site == NULL)
    g_array_set_size (known, 0);
  limit = MIN (limit, EVG_SYNC_MAX_PULL_LIMIT);

  if (epoch != NULL && *epoch != '\0' && g_strcmp0 (epoch, db->epoch) != 0)
    {
      reply->status = 409;
      reply->body = evg_sync_error_body (EVG_SYNC_CODE_RESYNC,
                                         "The server was restored from a backup; sync again from the start.",
                                         evg_server_now_ms (), db->epoch);
      return;
    }

  /* One read transaction, so the page and the log's end agree. */
  if (!evg_sqlite_exec (db->sqlite, "BEGIN", &error))
    return evg_server_reply_internal (db, reply, error);

  stmt = evg_sqlite_prepare (db->sqlite,
                             "SELECT coalesce ((SELECT seq FROM sqlite_sequence "
                             "                  WHERE name = 'change_log'), 0)", &error);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    max_seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (since > max_seq)
    {
      evg_sqlite_rollback (db->sqlite);
      reply->status = 409;
      reply->body = evg_sync_error_body (EVG_SYNC_CODE_RESYNC,
                                         "Your cursor is beyond the server's log; the server was restored. "
                                         "Sync again from the start.",
                                         evg_server_now_ms (), db->epoch);
      return;
    }

  out = g_string_sized_new (4096);
  g_string_append (out, "{\"epoch\":");
  evg_json_append_string (out, db->epoch);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT ",\"changes\":[", evg_server_now_ms ());

  /* A range whose count matches the branch's entries in it holds the
   * client's own changes and nothing else: the page passes over it without
   * reading it.  Counting reads only the index.  Any other range is read,
   * and only the site's own changes in it are left out. */
  for (guint i = 0; i < known->len; i++)
    {
      SeqRange *range = &g_array_index (known, SeqRange, i);
      gint64 entries = -1;

      /* Counting reads the index over the whole range: bounded per pull,
       * so no request makes the server read more than that. */
      if (range->count == 0 || range->last <= since ||
          range->last - range->first + 1 > EVG_SYNC_MAX_KNOWN_SPAN - known_counted)
        continue;
      known_counted += range->last - range->first + 1;
      stmt = evg_sqlite_prepare (db->sqlite,
                                 "SELECT count(*) FROM change_log "
                                 "WHERE branch = ? AND seq BETWEEN ? AND ?", &error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, range->first);
      sqlite3_bind_int64 (stmt, 3, range->last);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        entries = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      range->whole = entries == range->count;
    }

  /* Known changes left out still count towards the rows a page reads, so
   * that a page never reads more than a few pages' worth. */
  stmt = evg_sqlite_prepare (db->sqlite,
                             "SELECT seq, change_id, tbl, row_id, op, fields, hlc, base_hlc, site "
                             "FROM change_log WHERE branch = ? AND seq > ? ORDER BY seq LIMIT ?",
                             &error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, known->len > 0 ? limit * EVG_SYNC_PULL_SCAN_FACTOR : limit);
  next = since;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean own;

      scanned++;
      if (count == limit || out->len >= EVG_SYNC_MAX_PULL_BYTES ||
          (known->len > 0 && scanned > limit * EVG_SYNC_PULL_SCAN_FACTOR))
        {
          /* A row after a full page (by count or by size), or past what a
           * page reads: there is more. */
          more = TRUE;
          break;
        }
      next = sqlite3_column_int64 (stmt, 0);
      own = site != NULL && g_strcmp0 (site, (const char *) sqlite3_column_text (stmt, 8)) == 0;
      if (own && seq_is_known (known, &known_at, next))
        {
          const SeqRange *range = &g_array_index (known, SeqRange, known_at);

          if (range->whole && MIN (range->last, max_seq) > next)
            {
              /* Go on after the range, reading no more of it; never past
               * the log's end, where later changes will come. */
              next = MIN (range->last, max_seq);
              sqlite3_reset (stmt);
              sqlite3_bind_int64 (stmt, 2, next);
            }
          continue;
        }
      if (count++ > 0)
        g_string_append_c (out, ',');
      if (own)
        {
          evg_sync_append_stub (out, (const char *) sqlite3_column_text (stmt, 1), next);
          continue;
        }
      evg_sync_append_change (out,
                              (const char *) sqlite3_column_text (stmt, 1),
                              (const char *) sqlite3_column_text (stmt, 2),
                              (const char *) sqlite3_column_text (stmt, 3),
                              (const char *) sqlite3_column_text (stmt, 4),
                              (const char *) sqlite3_column_text (stmt, 5),
                              (const char *) sqlite3_column_text (stmt, 6),
                              (const char *) sqlite3_column_text (stmt, 7),
                              (const char *) sqlite3_column_text (stmt, 8),
                              next);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      evg_sqlite_set_error (db->sqlite, rc, &error);
      goto fail;
    }
  /* Without known ranges this is the old rule: a full page may have more.
   * With them, so may a page that stopped at its reading limit. */
  if (rc == SQLITE_DONE)
    more = known->len > 0 ? scanned >= limit * EVG_SYNC_PULL_SCAN_FACTOR : count == limit;
  evg_sqlite_commit (db->sqlite, NULL);

  g_string_append_printf (out, "],\"next\":%" G_GINT64_FORMAT ",\"has_more\":%s}\n",
                          next, more ? "true" : "false");
  evg_server_failpoint ("server-pull-before-answer");
  reply->status = 200;
  reply->body = g_string_free (g_steal_pointer (&out), FALSE);
  return;

fail:
  evg_sqlite_rollback (db->sqlite);
  evg_server_reply_internal (db, reply, error);
}
