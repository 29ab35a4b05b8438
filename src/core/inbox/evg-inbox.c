/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-inbox"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-inbox.h"
#include "evg-search-terms.h"
#include "evg-store-private.h"
#include "evg-sync-client.h"
#include "evg-txn.h"
#include "evg-validate.h"

/* Due times by default (DOMAIN.md): respond within a day, resolve
 * within a week. */
/* The middle answers of a callback, as part of a whole. */
#define DEFAULT_WEIGHT_PARTLY    0.6
#define DEFAULT_WEIGHT_BASICALLY 0.8

#define META_RESPOND_HOURS   "feedback_respond_hours"
#define META_RESOLVE_HOURS   "feedback_resolve_hours"
#define META_WEIGHT_PARTLY   "feedback_weight_partly"
#define META_WEIGHT_BASICALLY "feedback_weight_basically"

/* Above this many changed messages, the index is read again whole. */
#define MAX_PATCHED_ROWS 256
/* Records read for views, kept until there are this many. */
#define MAX_CACHED_RECORDS 4096

#define NO_TIME G_MAXINT32

/* One message in the index: what the lists narrow and mark by.  Times are
 * minutes since 1970 on the local clock (evg_parse_minute()). */
typedef struct
{
  gint64  rowid;
  gint32  received;
  gint32  respond_by;
  gint32  resolve_by;    /* with the time spent waiting for the resident */
  guint8  rank;          /* evg_feedback_status_rank() */
  guint8  flags;         /* WAITING, REOPENED, MERGED */
} InboxRow;

struct _EvgInbox
{
  GObject parent_instance;

  EvgStore   *store;
  gboolean    loaded;
  GArray     *rows;          /* of InboxRow, newest first */
  GArray     *positions;     /* of gint32 by rowid: where it is in @rows, or -1 */
  GHashTable *records;       /* rowid → EvgRecord read for a view */
  guint       respond_hours;
  guint       resolve_hours;
  EvgRateWeights weights;
};

G_DEFINE_FINAL_TYPE (EvgInbox, evg_inbox, G_TYPE_OBJECT)

G_DEFINE_QUARK (evg-inbox-error-quark, evg_inbox_error)

/* The ranks the index is judged by, looked up once: the lists judge a
 * million rows at a keystroke. */
static int rank_in_progress;
static int rank_closed;

enum {
  ROWS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
read_settings (EvgInbox *self)
{
  static const struct { const char *key; gboolean hours; } keys[] = {
    { META_RESPOND_HOURS, TRUE }, { META_RESOLVE_HOURS, TRUE },
    { META_WEIGHT_PARTLY, FALSE }, { META_WEIGHT_BASICALLY, FALSE },
  };
  guint *hours[] = { &self->respond_hours, &self->resolve_hours };
  double *weights[] = { &self->weights.partly_resolved, &self->weights.basically_satisfied };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *value = evg_store_get_meta (self->store, keys[i].key);
      char *end = NULL;
      double number;

      if (value == NULL)
        continue;
      number = g_ascii_strtod (value, &end);
      if (end == value || *end != '\0')
        continue;
      if (keys[i].hours && number >= 1 && number <= 24 * 365)
        *hours[i] = (guint) number;
      else if (!keys[i].hours && number >= 0 && number <= 1)
        *weights[i - 2] = number;
    }
}

static guint8
row_rank (const char *status)
{
  int rank = evg_feedback_status_rank (status);

  return (guint8) MAX (rank, 0);
}

static gint32
minute_or_none (const char *text)
{
  gint64 minute = evg_parse_minute (text);

  return minute >= 0 && minute < NO_TIME ? (gint32) minute : NO_TIME;
}

/* Newest first; the later stored first among those of one minute. */
static int
compare_rows (const InboxRow *a,
              const InboxRow *b)
{
  if (a->received != b->received)
    return a->received > b->received ? -1 : 1;
  return a->rowid > b->rowid ? -1 : a->rowid < b->rowid;
}

static void
set_position (EvgInbox *self,
              gint64    rowid,
              gint32    position)
{
  if (rowid < 0 || rowid > G_MAXINT32)
    return;
  if ((guint) rowid >= self->positions->len)
    {
      guint old = self->positions->len;

      g_array_set_size (self->positions, MAX ((guint) rowid + 1, old * 2));
      for (guint i = old; i < self->positions->len; i++)
        g_array_index (self->positions, gint32, i) = -1;
    }
  g_array_index (self->positions, gint32, rowid) = position;
}

static void
renumber_from (EvgInbox *self,
               guint     first)
{
  for (guint i = first; i < self->rows->len; i++)
    set_position (self, g_array_index (self->rows, InboxRow, i).rowid, (gint32) i);
}

gint64
evg_inbox_position_of_rowid (EvgInbox *self,
                             gint64    rowid)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), -1);

  if (rowid < 0 || (guint64) rowid >= self->positions->len)
    return -1;
  return g_array_index (self->positions, gint32, rowid);
}

/* The clocks of one message, from its events that stop or restart them
 * (oldest first): time spent waiting for the resident stops the
 * resolution clock; a reopening restarts it. */
typedef struct
{
  gint64   waiting_since;   /* -1 when not waiting */
  gint64   paused;          /* minutes spent waiting, in all */
  gint64   reopened_at;     /* -1 when not reopened since it was concluded */
  gboolean closed_since;    /* concluded after the latest reopening */
} Clock;

static void
clock_init (Clock *clock)
{
  clock->waiting_since = -1;
  clock->paused = 0;
  clock->reopened_at = -1;
  clock->closed_since = FALSE;
}

static void
clock_add (Clock      *clock,
           const char *kind,
           const char *at)
{
  gint64 minute = evg_parse_minute (at);

  if (minute < 0 || kind == NULL)
    return;
  if (g_str_equal (kind, "waiting"))
    {
      if (clock->waiting_since < 0)
        clock->waiting_since = minute;
    }
  else if (g_str_equal (kind, "resumed") || g_str_equal (kind, "reply") || g_str_equal (kind, "closed"))
    {
      /* An answer or the conclusion ends the wait as a resumption does. */
      if (clock->waiting_since >= 0 && minute > clock->waiting_since)
        clock->paused += minute - clock->waiting_since;
      clock->waiting_since = -1;
      if (g_str_equal (kind, "closed") && clock->reopened_at >= 0)
        clock->closed_since = TRUE;
    }
  else if (g_str_equal (kind, "reopened"))
    {
      clock->reopened_at = minute;
      clock->closed_since = FALSE;
      clock->paused = 0;
    }
}

/* Applies @clock to @row, whose due times come from the message. */
static void
clock_apply (const Clock *clock,
             InboxRow    *row,
             guint        resolve_hours)
{
  row->flags &= ~(EVG_FEEDBACK_FLAG_WAITING | EVG_FEEDBACK_FLAG_REOPENED);
  if (clock->waiting_since >= 0)
    row->flags |= EVG_FEEDBACK_FLAG_WAITING;
  if (clock->reopened_at >= 0 && !clock->closed_since)
    {
      row->flags |= EVG_FEEDBACK_FLAG_REOPENED;
      row->resolve_by = (gint32) MIN (clock->reopened_at + (gint64) resolve_hours * 60 + clock->paused,
                                      NO_TIME - 1);
    }
  else if (row->resolve_by != NO_TIME)
    row->resolve_by = (gint32) MIN (row->resolve_by + clock->paused, NO_TIME - 1);
}

#define ROW_COLUMNS "f.rowid, f.received_at, f.status, f.response_due, f.resolution_due, " \
                    "f.merged_into IS NOT NULL"

static void
fill_row (sqlite3_stmt *stmt,
          InboxRow     *row)
{
  row->rowid = sqlite3_column_int64 (stmt, 0);
  row->received = minute_or_none ((const char *) sqlite3_column_text (stmt, 1));
  if (row->received == NO_TIME)
    row->received = 0;
  row->rank = row_rank ((const char *) sqlite3_column_text (stmt, 2));
  row->respond_by = minute_or_none ((const char *) sqlite3_column_text (stmt, 3));
  row->resolve_by = minute_or_none ((const char *) sqlite3_column_text (stmt, 4));
  row->flags = sqlite3_column_int (stmt, 5) ? EVG_FEEDBACK_FLAG_MERGED : 0;
}

static void
add_index_row (sqlite3_stmt *stmt,
               gpointer      data)
{
  EvgInbox *self = data;
  InboxRow row;

  fill_row (stmt, &row);
  g_array_append_val (self->rows, row);
}

/* The events that stop or restart clocks, of every message that has one. */
typedef struct
{
  EvgInbox *self;
  gint64    rowid;
  Clock     clock;
  GArray   *reopened;     /* of gint64: messages reopened, read whole afterwards */
} ClockScan;

static void
clock_scan_flush (ClockScan *scan)
{
  gint64 position = evg_inbox_position_of_rowid (scan->self, scan->rowid);

  if (scan->rowid >= 0 && position >= 0)
    clock_apply (&scan->clock, &g_array_index (scan->self->rows, InboxRow, position),
                 scan->self->resolve_hours);
}

static void
add_clock_event (sqlite3_stmt *stmt,
                 gpointer      data)
{
  ClockScan *scan = data;
  gint64 rowid = sqlite3_column_int64 (stmt, 0);
  const char *kind = (const char *) sqlite3_column_text (stmt, 1);

  if (rowid != scan->rowid)
    {
      clock_scan_flush (scan);
      scan->rowid = rowid;
      clock_init (&scan->clock);
    }
  if (g_strcmp0 (kind, "reopened") == 0 &&
      (scan->reopened->len == 0 || g_array_index (scan->reopened, gint64, scan->reopened->len - 1) != rowid))
    g_array_append_val (scan->reopened, rowid);
  clock_add (&scan->clock, kind, (const char *) sqlite3_column_text (stmt, 2));
}

static void
add_message_event (sqlite3_stmt *stmt,
                   gpointer      data)
{
  clock_add (data, (const char *) sqlite3_column_text (stmt, 0), (const char *) sqlite3_column_text (stmt, 1));
}

/* Reads the clock of the message at @position from all its events. */
static gboolean
read_clock (EvgInbox  *self,
            guint      position,
            GError   **error)
{
  InboxRow *row = &g_array_index (self->rows, InboxRow, position);
  g_autofree char *rowid = g_strdup_printf ("%" G_GINT64_FORMAT, row->rowid);
  Clock clock;

  clock_init (&clock);
  if (!evg_store_each_row (self->store,
                           "SELECT e.kind, e.at FROM feedback f JOIN feedback_event e ON e.feedback_id = f.id "
                           "WHERE f.rowid = ?1 AND e.deleted = 0 ORDER BY e.at, e.rowid",
                           EVG_PARAMS (rowid), add_message_event, &clock, error))
    return FALSE;
  clock_apply (&clock, row, self->resolve_hours);
  return TRUE;
}

static gboolean
load_index (EvgInbox  *self,
            GError   **error)
{
  g_autoptr(GArray) reopened = g_array_new (FALSE, FALSE, sizeof (gint64));
  ClockScan scan = { self, -1, { 0 }, reopened };

  g_array_set_size (self->rows, 0);
  g_array_set_size (self->positions, 0);
  g_hash_table_remove_all (self->records);
  if (!evg_store_each_row (self->store,
                           "SELECT " ROW_COLUMNS " FROM feedback f WHERE f.deleted = 0 "
                           "ORDER BY f.received_at DESC",
                           NULL, 0, add_index_row, self, error))
    return FALSE;
  /* The text order and the minutes agree but for malformed times; the
   * index leaves the messages of one minute in id order, not rowid. */
  g_array_sort (self->rows, (GCompareFunc) compare_rows);
  renumber_from (self, 0);

  /* Only these events change a clock, and few messages have them. */
  if (!evg_store_each_row (self->store,
                           "SELECT f.rowid, e.kind, e.at FROM feedback_event e "
                           "JOIN feedback f ON f.id = e.feedback_id "
                           "WHERE e.kind IN ('waiting', 'resumed', 'reopened') AND e.deleted = 0 "
                           "ORDER BY f.rowid, e.at",
                           NULL, 0, add_clock_event, &scan, error))
    return FALSE;
  clock_scan_flush (&scan);
  /* A reopened message is open until concluded again, which only all its
   * events tell; waits ended by a reply likewise. */
  for (guint i = 0; i < reopened->len; i++)
    {
      gint64 position = evg_inbox_position_of_rowid (self, g_array_index (reopened, gint64, i));

      if (position >= 0 && !read_clock (self, (guint) position, error))
        return FALSE;
    }
  for (guint i = 0; i < self->rows->len; i++)
    if (g_array_index (self->rows, InboxRow, i).flags & EVG_FEEDBACK_FLAG_WAITING)
      if (!read_clock (self, i, error))
        return FALSE;
  return TRUE;
}

static void
ensure_loaded (EvgInbox *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loaded)
    return;
  self->loaded = TRUE;
  if (!load_index (self, &error))
    g_warning ("Could not read the messages: %s", error->message);
}

static void
remove_position (EvgInbox *self,
                 guint     position)
{
  set_position (self, g_array_index (self->rows, InboxRow, position).rowid, -1);
  g_array_remove_index (self->rows, position);
  renumber_from (self, position);
}

static guint
insert_row (EvgInbox       *self,
            const InboxRow *row)
{
  guint low = 0, high = self->rows->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (compare_rows (&g_array_index (self->rows, InboxRow, mid), row) < 0)
        low = mid + 1;
      else
        high = mid;
    }
  g_array_insert_val (self->rows, low, *row);
  renumber_from (self, low);
  return low;
}

typedef struct
{
  gboolean found;
  gboolean deleted;
  InboxRow row;
} FoundRow;

static void
read_found_row (sqlite3_stmt *stmt,
                gpointer      data)
{
  FoundRow *found = data;

  found->found = TRUE;
  fill_row (stmt, &found->row);
  found->deleted = sqlite3_column_int (stmt, 6) != 0;
}

/* Reads the message @id again into the index; adds its rowid to @touched. */
static gboolean
patch_message (EvgInbox    *self,
               const char  *id,
               GHashTable  *touched,
               GError     **error)
{
  FoundRow found = { FALSE, FALSE, { 0 } };
  gint64 position;

  if (!evg_store_each_row (self->store, "SELECT " ROW_COLUMNS ", f.deleted FROM feedback f WHERE f.id = ?1",
                           EVG_PARAMS (id), read_found_row, &found, error))
    return FALSE;
  if (!found.found)
    return TRUE;
  g_hash_table_remove (self->records, &found.row.rowid);
  position = evg_inbox_position_of_rowid (self, found.row.rowid);
  if (position >= 0)
    remove_position (self, (guint) position);
  if (!found.deleted)
    {
      guint at = insert_row (self, &found.row);

      if (!read_clock (self, at, error))
        return FALSE;
    }
  g_hash_table_add (touched, g_memdup2 (&found.row.rowid, sizeof (gint64)));
  return TRUE;
}

static void
add_text_row (sqlite3_stmt *stmt,
              gpointer      data)
{
  g_ptr_array_add (data, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
}

static void
on_store_changed (EvgInbox   *self,
                  const char *table,
                  GPtrArray  *ids,
                  EvgStore   *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) touched = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  gboolean events = g_strcmp0 (table, evg_feedback_event_table.name) == 0;

  if (g_strcmp0 (table, "meta") == 0)
    read_settings (self);
  if (!self->loaded || (!events && g_strcmp0 (table, evg_feedback_table.name) != 0))
    return;
  if (ids == NULL || ids->len > MAX_PATCHED_ROWS)
    {
      if (!load_index (self, &error))
        g_warning ("Could not read the messages again: %s", error->message);
      g_signal_emit (self, signals[ROWS_CHANGED], 0, NULL);
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    if (!events)
      g_ptr_array_add (messages, g_strdup (g_ptr_array_index (ids, i)));
    else if (!evg_store_each_row (self->store, "SELECT feedback_id FROM feedback_event WHERE id = ?1",
                                  EVG_PARAMS (g_ptr_array_index (ids, i)), add_text_row, messages, &error))
      break;
  touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; error == NULL && i < messages->len; i++)
    patch_message (self, g_ptr_array_index (messages, i), touched, &error);
  if (error != NULL)
    g_warning ("Could not read the changed messages: %s", error->message);
  g_signal_emit (self, signals[ROWS_CHANGED], 0, touched);
}

static void
evg_inbox_dispose (GObject *object)
{
  EvgInbox *self = EVG_INBOX (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->records, g_hash_table_unref);
  G_OBJECT_CLASS (evg_inbox_parent_class)->dispose (object);
}

static void
evg_inbox_finalize (GObject *object)
{
  EvgInbox *self = EVG_INBOX (object);

  g_array_unref (self->rows);
  g_array_unref (self->positions);
  G_OBJECT_CLASS (evg_inbox_parent_class)->finalize (object);
}

static void
evg_inbox_class_init (EvgInboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = evg_inbox_dispose;
  object_class->finalize = evg_inbox_finalize;

  rank_in_progress = evg_feedback_status_rank ("in_progress");
  rank_closed = evg_feedback_status_rank ("closed");

  /**
   * EvgInbox::rows-changed:
   * @touched: (nullable): the rowids (gint64 *) of the messages changed,
   *   or %NULL when the index was read again whole
   *
   * The index changed; lists narrow it again.
   */
  signals[ROWS_CHANGED] =
    g_signal_new ("rows-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
evg_inbox_init (EvgInbox *self)
{
  self->rows = g_array_new (FALSE, FALSE, sizeof (InboxRow));
  self->positions = g_array_new (FALSE, FALSE, sizeof (gint32));
  self->records = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->respond_hours = EVG_FEEDBACK_DEFAULT_RESPOND_HOURS;
  self->resolve_hours = EVG_FEEDBACK_DEFAULT_RESOLVE_HOURS;
  self->weights.partly_resolved = DEFAULT_WEIGHT_PARTLY;
  self->weights.basically_satisfied = DEFAULT_WEIGHT_BASICALLY;
}

EvgInbox *
evg_inbox_new (EvgStore  *store,
               GError   **error)
{
  EvgInbox *self;

  g_return_val_if_fail (EVG_IS_STORE (store), NULL);

  self = g_object_new (EVG_TYPE_INBOX, NULL);
  self->store = g_object_ref (store);
  read_settings (self);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  return self;
}

EvgStore *
evg_inbox_get_store (EvgInbox *self)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  return self->store;
}

/* Settings */

void
evg_inbox_get_due_hours (EvgInbox *self,
                         guint    *respond_hours,
                         guint    *resolve_hours)
{
  g_return_if_fail (EVG_IS_INBOX (self));

  if (respond_hours != NULL)
    *respond_hours = self->respond_hours;
  if (resolve_hours != NULL)
    *resolve_hours = self->resolve_hours;
}

static gboolean
set_meta_number (EvgInbox    *self,
                 const char  *key,
                 double       value,
                 GError     **error)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  return evg_store_set_meta (self->store, key, g_ascii_dtostr (text, sizeof text, value), error);
}

/**
 * evg_inbox_set_due_hours:
 *
 * Sets the due times of messages received from now on (cities differ).
 */
gboolean
evg_inbox_set_due_hours (EvgInbox  *self,
                         guint      respond_hours,
                         guint      resolve_hours,
                         GError   **error)
{
  g_autofree char *page_settings = NULL;
  const char *problem;
  EvgSqlite *sqlite;

  g_return_val_if_fail (EVG_IS_INBOX (self), FALSE);

  problem = evg_feedback_check_due_hours (respond_hours, resolve_hours);
  if (problem != NULL)
    {
      g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID, problem);
      return FALSE;
    }
  /* The server gives the messages of the branch's public page the same
   * due times: the next sync sends them. */
  page_settings = g_strdup_printf ("{\"respond_hours\":%u,\"resolve_hours\":%u}", respond_hours,
                                   resolve_hours);
  /* All three, or none. */
  sqlite = evg_store_get_sqlite (self->store);
  if (!evg_sqlite_begin (sqlite, error))
    return FALSE;
  if (!set_meta_number (self, META_RESPOND_HOURS, respond_hours, error) ||
      !set_meta_number (self, META_RESOLVE_HOURS, resolve_hours, error) ||
      !evg_store_set_meta (self->store, EVG_SYNC_META_PAGE_SETTINGS, page_settings, error) ||
      !evg_sqlite_commit (sqlite, error))
    {
      evg_sqlite_rollback (sqlite);
      return FALSE;
    }
  self->respond_hours = respond_hours;
  self->resolve_hours = resolve_hours;
  return TRUE;
}

void
evg_inbox_get_weights (EvgInbox       *self,
                       EvgRateWeights *weights)
{
  g_return_if_fail (EVG_IS_INBOX (self));
  *weights = self->weights;
}

gboolean
evg_inbox_set_weights (EvgInbox              *self,
                       const EvgRateWeights  *weights,
                       GError               **error)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), FALSE);

  if (!(weights->partly_resolved >= 0 && weights->partly_resolved <= 1) ||
      !(weights->basically_satisfied >= 0 && weights->basically_satisfied <= 1))
    {
      g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID,
                           _("A weight is a share between 0 and 1, such as 0.8."));
      return FALSE;
    }
  if (!set_meta_number (self, META_WEIGHT_PARTLY, weights->partly_resolved, error) ||
      !set_meta_number (self, META_WEIGHT_BASICALLY, weights->basically_satisfied, error))
    return FALSE;
  self->weights = *weights;
  return TRUE;
}

/**
 * evg_inbox_dup_formula:
 *
 * Returns: (transfer full): how @rate is worked out, in words, with the
 *   weights in use
 */
char *
evg_inbox_dup_formula (EvgInbox *self,
                       EvgRate   rate)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);

  switch (rate)
    {
    case EVG_RATE_RESPONSE:
      return g_strdup (_("Responded in time ÷ rated messages (received, less those left out or merged)"));
    case EVG_RATE_RESOLUTION:
      return g_strdup_printf (_("(Resolved + partly resolved × %g) ÷ messages called back"),
                              self->weights.partly_resolved);
    case EVG_RATE_SATISFACTION:
    default:
      return g_strdup_printf (_("(Satisfied + basically satisfied × %g) ÷ messages called back"),
                              self->weights.basically_satisfied);
    }
}

/* The index */

guint
evg_inbox_get_n_rows (EvgInbox *self)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), 0);
  ensure_loaded (self);
  return self->rows->len;
}

gint64
evg_inbox_get_row_rowid (EvgInbox *self,
                         guint     position)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), -1);
  ensure_loaded (self);
  g_return_val_if_fail (position < self->rows->len, -1);
  return g_array_index (self->rows, InboxRow, position).rowid;
}

/* The status the lists file it under: a reopened message is in progress. */
int
evg_inbox_get_row_status (EvgInbox *self,
                          guint     position)
{
  const InboxRow *row;

  g_return_val_if_fail (EVG_IS_INBOX (self), -1);
  ensure_loaded (self);
  g_return_val_if_fail (position < self->rows->len, -1);

  row = &g_array_index (self->rows, InboxRow, position);
  if (row->flags & EVG_FEEDBACK_FLAG_REOPENED)
    return rank_in_progress;
  return row->rank;
}

static EvgFeedbackFlags
row_flags (const InboxRow *row,
           gint64          now)
{
  EvgFeedbackFlags flags = row->flags;
  gboolean open = row->rank < rank_closed || (row->flags & EVG_FEEDBACK_FLAG_REOPENED);

  if (row->flags & EVG_FEEDBACK_FLAG_MERGED)
    return flags;
  /* Contact, a wait for the resident or a reply is the response. */
  if (row->rank < rank_in_progress && row->respond_by != NO_TIME && now > row->respond_by)
    flags |= EVG_FEEDBACK_FLAG_LATE_RESPONSE;
  if (open && !(row->flags & EVG_FEEDBACK_FLAG_WAITING) && row->resolve_by != NO_TIME && now > row->resolve_by)
    flags |= EVG_FEEDBACK_FLAG_LATE_RESOLUTION;
  return flags;
}

static gint64
now_minute (void)
{
  g_autofree char *now = evg_dup_now_minute ();

  return evg_parse_minute (now);
}

/**
 * evg_inbox_get_row_flags:
 * @now: the time to judge by, in minutes (evg_parse_minute()), or -1 for now
 */
EvgFeedbackFlags
evg_inbox_get_row_flags (EvgInbox *self,
                         guint     position,
                         gint64    now)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), 0);
  ensure_loaded (self);
  g_return_val_if_fail (position < self->rows->len, 0);

  return row_flags (&g_array_index (self->rows, InboxRow, position), now >= 0 ? now : now_minute ());
}

/**
 * evg_inbox_message_position:
 * @message: a message as the inbox gave it (evg_inbox_dup_message(), the
 *   list's items)
 *
 * Returns: where @message is in the index, or -1 (deleted since)
 */
gint64
evg_inbox_message_position (EvgInbox  *self,
                            EvgRecord *message)
{
  const char *rowid = g_object_get_data (G_OBJECT (message), "evg-rowid");

  g_return_val_if_fail (EVG_IS_INBOX (self), -1);
  ensure_loaded (self);
  return rowid != NULL ? evg_inbox_position_of_rowid (self, g_ascii_strtoll (rowid, NULL, 10)) : -1;
}

/**
 * evg_inbox_get_message_flags:
 *
 * What the index says of @message now (overdue, waiting, …), without
 * reading it again: for a list's rows.
 */
EvgFeedbackFlags
evg_inbox_get_message_flags (EvgInbox  *self,
                             EvgRecord *message)
{
  gint64 position = evg_inbox_message_position (self, message);

  return position >= 0 ? evg_inbox_get_row_flags (self, (guint) position, -1) : EVG_FEEDBACK_FLAG_NONE;
}

EvgFeedbackFlags
evg_inbox_get_flags (EvgInbox   *self,
                     const char *id)
{
  g_autoptr(EvgRecord) message = evg_inbox_dup_message (self, id);

  return message != NULL ? evg_inbox_get_message_flags (self, message) : EVG_FEEDBACK_FLAG_NONE;
}

guint
evg_inbox_count_overdue (EvgInbox *self)
{
  gint64 now = now_minute ();
  guint n = 0;

  g_return_val_if_fail (EVG_IS_INBOX (self), 0);
  ensure_loaded (self);

  for (guint i = 0; i < self->rows->len; i++)
    if (row_flags (&g_array_index (self->rows, InboxRow, i), now) & EVG_FEEDBACK_FLAG_OVERDUE)
      n++;
  return n;
}

/**
 * evg_inbox_narrow:
 * @found: (nullable) (array length=n_found): the positions a search found,
 *   as a bitmap (bit @i % 64 of word @i / 64), or %NULL for every row
 * @status_rank: the status (evg_feedback_status_rank()) of the rows to
 *   show, or -1 for any; a reopened message is in progress
 * @overdue_only: whether to show only overdue rows
 * @now: the time to judge by, in minutes (evg_parse_minute())
 * @shown: (element-type gint64): the rowids of the rows shown are
 *   appended to it, in the index's order
 * @counts: (array fixed-size=5): the rows @found by status, added to
 * @n_overdue: the rows @found that are overdue, added to
 *
 * What EvgFeedbackList shows, in one pass over the index that visits
 * only the rows found: with a million messages, a call or two per row
 * took tens of milliseconds at every keystroke.
 */
void
evg_inbox_narrow (EvgInbox      *self,
                  const guint64 *found,
                  guint          n_found,
                  int            status_rank,
                  gboolean       overdue_only,
                  gint64         now,
                  GArray        *shown,
                  guint         *counts,
                  guint         *n_overdue)
{
  guint n_rows, n_words;

  g_return_if_fail (EVG_IS_INBOX (self));
  ensure_loaded (self);

  n_rows = self->rows->len;
  n_words = (n_rows + 63) / 64;
  for (guint word = 0; word < n_words; word++)
    {
      guint64 bits = found == NULL ? G_MAXUINT64 : word < n_found ? found[word] : 0;

      for (; bits != 0; bits &= bits - 1)
        {
          guint i = word * 64 + (guint) __builtin_ctzll (bits);
          const InboxRow *row;
          int rank;
          gboolean overdue;

          if (i >= n_rows)
            break;
          row = &g_array_index (self->rows, InboxRow, i);
          rank = row->flags & EVG_FEEDBACK_FLAG_REOPENED ? rank_in_progress : row->rank;
          overdue = (row_flags (row, now) & EVG_FEEDBACK_FLAG_OVERDUE) != 0;
          if (rank >= 0 && rank <= rank_closed)
            counts[rank]++;
          *n_overdue += overdue;
          if ((status_rank < 0 || rank == status_rank) && (!overdue_only || overdue))
            g_array_append_val (shown, row->rowid);
        }
    }
}

static void
read_record (sqlite3_stmt *stmt,
             gpointer      data)
{
  EvgRecord **out = data;
  EvgRecord *record = evg_record_new (&evg_feedback_table, (const char *) sqlite3_column_text (stmt, 0));

  for (guint i = 0; i < EVG_FEEDBACK_N_FIELDS; i++)
    evg_record_set (record, i, (const char *) sqlite3_column_text (stmt, (int) i + 1));
  g_object_set_data_full (G_OBJECT (record), "evg-rowid",
                          g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, EVG_FEEDBACK_N_FIELDS + 1)),
                          g_free);
  *out = record;
}

static EvgRecord *
read_message (EvgInbox   *self,
              const char *where,
              const char *param)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  g_autoptr(GError) error = NULL;
  EvgRecord *record = NULL;

  evg_record_append_columns (&evg_feedback_table, NULL, sql);
  g_string_append_printf (sql, ", rowid FROM feedback WHERE %s AND deleted = 0", where);
  if (!evg_store_each_row (self->store, sql->str, EVG_PARAMS (param), read_record, &record, &error))
    g_warning ("Could not read a message: %s", error->message);
  return record;
}

/**
 * evg_inbox_get_row:
 *
 * Returns: (transfer full): the message at @position of the index
 */
EvgRecord *
evg_inbox_get_row (EvgInbox *self,
                   guint     position)
{
  g_autofree char *rowid_text = NULL;
  EvgRecord *record;
  gint64 rowid;

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  ensure_loaded (self);
  g_return_val_if_fail (position < self->rows->len, NULL);

  rowid = g_array_index (self->rows, InboxRow, position).rowid;
  record = g_hash_table_lookup (self->records, &rowid);
  if (record != NULL)
    return g_object_ref (record);
  rowid_text = g_strdup_printf ("%" G_GINT64_FORMAT, rowid);
  record = read_message (self, "rowid = ?1", rowid_text);
  if (record == NULL)
    return NULL;
  if (g_hash_table_size (self->records) >= MAX_CACHED_RECORDS)
    g_hash_table_remove_all (self->records);
  g_hash_table_insert (self->records, g_memdup2 (&rowid, sizeof rowid), g_object_ref (record));
  return record;
}

/**
 * evg_inbox_dup_message:
 *
 * Returns: (transfer full) (nullable): the message @id as stored now
 */
EvgRecord *
evg_inbox_dup_message (EvgInbox   *self,
                       const char *id)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  ensure_loaded (self);
  return id != NULL ? read_message (self, "id = ?1", id) : NULL;
}

static void
add_rowid (sqlite3_stmt *stmt,
           gpointer      data)
{
  gint64 rowid = sqlite3_column_int64 (stmt, 0);

  g_array_append_val ((GArray *) data, rowid);
}

/**
 * evg_inbox_search:
 * @text: words of the content, the name or the place, or the name's pinyin
 * @limit: at most this many, the most recently stored first; 0 for all
 * @more: (out) (optional): whether more messages hold the words than
 *   @limit
 *
 * A word as short as one character can be in half of a million messages;
 * handing all of them over takes longer than a keystroke may, and nobody
 * reads them all, so the newest @limit are given and @more says so.
 *
 * Returns: (transfer full) (element-type gint64) (nullable): the rowids of
 *   the messages holding every word of @text; %NULL when @text holds
 *   nothing to search for (or on an error, with @error set)
 */
GArray *
evg_inbox_search (EvgInbox    *self,
                  const char  *text,
                  guint        limit,
                  gboolean    *more,
                  GError     **error)
{
  g_autofree char *query = evg_search_terms_query (text);
  g_autofree char *cap = g_strdup_printf ("%u", limit > 0 ? limit + 1 : G_MAXINT32);
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);

  if (more != NULL)
    *more = FALSE;
  if (query == NULL)
    return NULL;
  /* FTS5 walks its lists newest first and stops at the limit. */
  if (!evg_store_each_row (self->store,
                           "SELECT rowid FROM feedback_search WHERE feedback_search MATCH ?1 "
                           "ORDER BY rowid DESC LIMIT ?2",
                           EVG_PARAMS (query, cap), add_rowid, rowids, error))
    return NULL;
  if (limit > 0 && rowids->len > limit)
    {
      g_array_set_size (rowids, limit);
      if (more != NULL)
        *more = TRUE;
    }
  return g_steal_pointer (&rowids);
}

static gboolean
set_invalid (GError    **error,
             GPtrArray  *problems)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (problems, NULL);
  text = g_strjoinv ("\n", (char **) problems->pdata);
  g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID, text);
  return FALSE;
}

/**
 * evg_inbox_add:
 * @message: a new message (an EvgRecord of evg_feedback_table); its
 *   received time defaults to now
 *
 * Records a resident's message: new, with its due times.  The content
 * is required and never changes afterwards; a contact must be a phone
 * number.
 *
 * Returns: (transfer full): its id, or %NULL with @error set
 */
char *
evg_inbox_add (EvgInbox   *self,
               EvgRecord  *message,
               GError    **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *now = evg_dup_now_minute ();
  g_autofree char *content = NULL;
  const char *contact;
  char *id;

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  g_return_val_if_fail (evg_record_get_table (message) == &evg_feedback_table, NULL);

  content = g_strstrip (g_strdup (evg_record_get (message, EVG_FEEDBACK_CONTENT) != NULL
                                  ? evg_record_get (message, EVG_FEEDBACK_CONTENT) : ""));
  evg_record_set (message, EVG_FEEDBACK_CONTENT, content);
  if (evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT) == NULL)
    evg_record_set (message, EVG_FEEDBACK_RECEIVED_AT, now);
  evg_record_set (message, EVG_FEEDBACK_STATUS, "new");
  contact = evg_record_get (message, EVG_FEEDBACK_CONTACT);
  if (contact != NULL)
    {
      g_autofree char *phone = evg_phone_normalize (contact);
      g_autofree char *problem = phone != NULL ? evg_phone_check (phone) : NULL;

      if (phone == NULL || problem != NULL)
        g_ptr_array_add (problems, g_strdup_printf (_("“%s” is not a phone number. %s"), contact,
                                                    problem != NULL ? problem : ""));
      else
        evg_record_set (message, EVG_FEEDBACK_CONTACT, phone);
    }
  if (*content == '\0')
    g_ptr_array_add (problems, g_strdup (_("Write down what the resident said: the message is empty.")));
  if (evg_record_get (message, EVG_FEEDBACK_CHANNEL) == NULL)
    g_ptr_array_add (problems, g_strdup (_("Choose how the message came in.")));
  if (problems->len == 0)
    evg_record_check_values (message, problems);
  if (problems->len == 0 && evg_parse_minute (evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT)) < 0)
    g_ptr_array_add (problems, g_strdup (_("Give the time the message came in as YYYY-MM-DD HH:MM.")));
  if (problems->len > 0)
    return set_invalid (error, problems), NULL;

  {
    gint64 received = evg_parse_minute (evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT));
    char respond[EVG_MINUTE_SIZE], resolve[EVG_MINUTE_SIZE];

    /* Wall-clock hours, without a time zone's jumps. */
    evg_format_minute (received + (gint64) self->respond_hours * 60, respond);
    evg_format_minute (received + (gint64) self->resolve_hours * 60, resolve);
    evg_record_set (message, EVG_FEEDBACK_RESPONSE_DUE, respond);
    evg_record_set (message, EVG_FEEDBACK_RESOLUTION_DUE, resolve);
  }
  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return NULL;
  fields = evg_record_diff (message, NULL);
  id = evg_txn_insert (txn, fields, NULL, error);
  if (id == NULL || !evg_txn_commit (txn, error))
    return g_free (id), NULL;
  return id;
}

static void
add_event_row (sqlite3_stmt *stmt,
               gpointer      data)
{
  GPtrArray *events = data;
  EvgRecord *event = evg_record_new (&evg_feedback_event_table, (const char *) sqlite3_column_text (stmt, 0));

  for (guint i = 0; i < EVG_FEEDBACK_EVENT_N_FIELDS; i++)
    evg_record_set (event, i, (const char *) sqlite3_column_text (stmt, (int) i + 1));
  g_ptr_array_add (events, event);
}

/**
 * evg_inbox_list_events:
 *
 * Returns: (transfer full) (element-type EvgRecord): the message's
 *   timeline, oldest first, or %NULL with @error set
 */
GPtrArray *
evg_inbox_list_events (EvgInbox    *self,
                       const char  *message_id,
                       GError     **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);

  evg_record_append_columns (&evg_feedback_event_table, NULL, sql);
  g_string_append (sql, " FROM feedback_event WHERE feedback_id = ?1 AND deleted = 0 ORDER BY at, rowid");
  if (!evg_store_each_row (self->store, sql->str, EVG_PARAMS (message_id), add_event_row, events, error))
    return NULL;
  return g_steal_pointer (&events);
}

/* Where @message stands after @events (its own, oldest first). */
static void
read_progress (EvgFeedbackProgress *progress,
               EvgRecord           *message,
               GPtrArray           *events)
{
  evg_feedback_progress_init (progress, message);
  for (guint i = 0; i < events->len; i++)
    evg_feedback_progress_add (progress, evg_record_get (g_ptr_array_index (events, i),
                                                         EVG_FEEDBACK_EVENT_KIND));
}

static gboolean
refuse_step (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP, message);
  return FALSE;
}

/* Whether @kind may be recorded now, by the rules of 接诉即办, and @event
 * says what it must. */
static gboolean
check_step (const char                *kind,
            EvgRecord                 *event,
            const EvgFeedbackProgress *progress,
            GError                   **error)
{
  const char *problem = evg_feedback_progress_check (progress, kind);

  if (problem != NULL)
    return refuse_step (error, problem);
  if (g_strcmp0 (kind, "callback") == 0 &&
      (evg_record_get (event, EVG_FEEDBACK_EVENT_RESOLVED) == NULL ||
       evg_record_get (event, EVG_FEEDBACK_EVENT_SATISFIED) == NULL))
    return refuse_step (error, _("A callback records whether the problem was resolved and whether the "
                                 "resident is satisfied."));
  if ((g_strcmp0 (kind, "reply") == 0 || g_strcmp0 (kind, "note") == 0 ||
       g_strcmp0 (kind, "excluded") == 0) && evg_record_get (event, EVG_FEEDBACK_EVENT_TEXT) == NULL)
    return refuse_step (error, g_strcmp0 (kind, "excluded") == 0
                               ? _("Give the reason the message is left out of the rates.")
                               : _("The text is empty."));
  if (g_strcmp0 (kind, "assigned") == 0 && evg_record_get (event, EVG_FEEDBACK_EVENT_ASSIGNEE) == NULL)
    return refuse_step (error, _("Choose the member the message is assigned to."));
  if (g_strcmp0 (kind, "merged") == 0 && evg_record_get (event, EVG_FEEDBACK_EVENT_OTHER_ID) == NULL)
    return refuse_step (error, _("Choose the message this one is merged into."));
  if ((g_strcmp0 (kind, "whistle") == 0 || g_strcmp0 (kind, "agenda") == 0) &&
      evg_record_get (event, EVG_FEEDBACK_EVENT_OTHER_ID) == NULL)
    return refuse_step (error, _("Choose the whistle or the meeting the message is linked to."));
  return TRUE;
}

/* The status an event moves its message to; NULL for none. */
static const char *
status_after (const char *kind)
{
  static const struct { const char *kind, *status; } steps[] = {
    { "assigned", "assigned" }, { "contacted", "in_progress" }, { "waiting", "in_progress" },
    { "resumed", "in_progress" }, { "reply", "replied" }, { "closed", "closed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_strcmp0 (kind, steps[i].kind) == 0)
      return steps[i].status;
  return NULL;
}

/* Writes @event of @message and what it moves, in @txn. */
static gboolean
write_event (EvgTxn      *txn,
             EvgRecord   *message,
             EvgRecord   *event,
             GError     **error)
{
  g_autoptr(EvgFieldSet) fields = evg_record_diff (event, NULL);
  g_autoptr(EvgFieldSet) moves = evg_field_set_new (&evg_feedback_table);
  g_autofree char *id = evg_txn_insert (txn, fields, NULL, error);
  const char *kind = evg_record_get (event, EVG_FEEDBACK_EVENT_KIND);
  const char *status = status_after (kind);

  if (id == NULL)
    return FALSE;
  g_object_set_data_full (G_OBJECT (event), "evg-id", g_steal_pointer (&id), g_free);
  if (status != NULL &&
      evg_feedback_status_rank (status) > evg_feedback_status_rank (evg_record_get (message, EVG_FEEDBACK_STATUS)))
    evg_field_set_set_index (moves, EVG_FEEDBACK_STATUS, status);
  if (g_strcmp0 (kind, "assigned") == 0)
    evg_field_set_set_index (moves, EVG_FEEDBACK_ASSIGNEE, evg_record_get (event, EVG_FEEDBACK_EVENT_ASSIGNEE));
  if (g_strcmp0 (kind, "merged") == 0)
    evg_field_set_set_index (moves, EVG_FEEDBACK_MERGED_INTO, evg_record_get (event, EVG_FEEDBACK_EVENT_OTHER_ID));
  return evg_field_set_count (moves) == 0 || evg_txn_update (txn, evg_record_get_id (message), moves, error);
}

/* Whether @event may be recorded on @message now; fills in its message
 * and its time.  @handed_on: a reply or the conclusion of the message
 * @message was merged into, which reaches it that way. */
static gboolean
check_event (EvgInbox    *self,
             EvgRecord   *message,
             EvgRecord   *event,
             gboolean     handed_on,
             GError     **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *now = evg_dup_now_minute ();
  const char *kind = evg_record_get (event, EVG_FEEDBACK_EVENT_KIND);
  EvgFeedbackProgress progress;

  evg_record_set (event, EVG_FEEDBACK_EVENT_FEEDBACK_ID, evg_record_get_id (message));
  if (evg_record_get (event, EVG_FEEDBACK_EVENT_AT) == NULL)
    evg_record_set (event, EVG_FEEDBACK_EVENT_AT, now);
  if (kind == NULL)
    g_ptr_array_add (problems, g_strdup (_("Say what was done.")));
  else
    evg_record_check_values (event, problems);
  if (problems->len > 0)
    return set_invalid (error, problems);

  events = evg_inbox_list_events (self, evg_record_get_id (message), error);
  if (events == NULL)
    return FALSE;
  read_progress (&progress, handed_on ? NULL : message, events);
  return check_step (kind, event, &progress, error);
}

static GPtrArray *
list_duplicates (EvgInbox   *self,
                 const char *message_id)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  if (!evg_store_each_row (self->store, "SELECT id FROM feedback WHERE merged_into = ?1 AND deleted = 0",
                           EVG_PARAMS (message_id), add_text_row, ids, &error))
    g_warning ("Could not read the duplicates of a message: %s", error->message);
  for (guint i = 0; i < ids->len; i++)
    {
      EvgRecord *message = evg_inbox_dup_message (self, g_ptr_array_index (ids, i));

      if (message != NULL)
        g_ptr_array_add (messages, message);
    }
  return g_steal_pointer (&messages);
}

/* A public reply or the conclusion of a message reaches everyone whose
 * message was merged into it: the same event is recorded on theirs, in
 * the same transaction. */
static gboolean
write_to_duplicates (EvgInbox    *self,
                     EvgTxn      *txn,
                     EvgRecord   *message,
                     EvgRecord   *event,
                     GError     **error)
{
  const char *kind = evg_record_get (event, EVG_FEEDBACK_EVENT_KIND);
  g_autoptr(GPtrArray) duplicates = NULL;

  if (g_strcmp0 (kind, "reply") != 0 && g_strcmp0 (kind, "closed") != 0)
    return TRUE;
  duplicates = list_duplicates (self, evg_record_get_id (message));
  for (guint i = 0; i < duplicates->len; i++)
    {
      EvgRecord *duplicate = g_ptr_array_index (duplicates, i);
      g_autoptr(EvgRecord) copy = evg_record_copy (event);
      g_autoptr(GError) refused = NULL;

      /* One already concluded keeps its conclusion. */
      if (!check_event (self, duplicate, copy, TRUE, &refused))
        continue;
      if (!write_event (txn, duplicate, copy, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * evg_inbox_add_event:
 * @event: an EvgRecord of evg_feedback_event_table: its kind and what it
 *   records (its time defaults to now; its message is @message_id)
 *
 * Records what was done with a message, and moves the message's status
 * forward with it (never back) in the same transaction.  A public reply
 * or the conclusion is recorded on the messages merged into it as well.
 *
 * Returns: (transfer full): the event's id, or %NULL with @error set
 */
char *
evg_inbox_add_event (EvgInbox    *self,
                     const char  *message_id,
                     EvgRecord   *event,
                     GError     **error)
{
  g_autoptr(EvgRecord) message = NULL;
  g_autoptr(EvgTxn) txn = NULL;

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  g_return_val_if_fail (evg_record_get_table (event) == &evg_feedback_event_table, NULL);

  message = evg_inbox_dup_message (self, message_id);
  if (message == NULL)
    {
      g_set_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_NOT_FOUND, _("No message has the id “%s”."),
                   message_id);
      return NULL;
    }
  if (!check_event (self, message, event, FALSE, error))
    return NULL;
  txn = evg_store_begin (self->store, error);
  if (txn == NULL || !write_event (txn, message, event, error) ||
      !write_to_duplicates (self, txn, message, event, error) ||
      !evg_txn_commit (txn, error))
    return NULL;
  return g_strdup (g_object_get_data (G_OBJECT (event), "evg-id"));
}

/**
 * evg_inbox_record:
 * @kind: what was done: an event kind that needs no more than a text
 *   (reply, note, contacted, waiting, resumed, reopened, excluded, closed)
 * @text: (nullable): the reply, the note, the reason
 *
 * Returns: (transfer full): the event's id, or %NULL with @error set
 */
char *
evg_inbox_record (EvgInbox    *self,
                  const char  *message_id,
                  const char  *kind,
                  const char  *text,
                  GError     **error)
{
  g_autoptr(EvgRecord) event = evg_record_new (&evg_feedback_event_table, NULL);
  g_autofree char *trimmed = text != NULL ? g_strstrip (g_strdup (text)) : NULL;

  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, kind);
  evg_record_set (event, EVG_FEEDBACK_EVENT_TEXT, trimmed != NULL && *trimmed != '\0' ? trimmed : NULL);
  return evg_inbox_add_event (self, message_id, event, error);
}

typedef struct
{
  char *id;
  char *name;
  gboolean left;
} FoundMember;

static void
read_found_member (sqlite3_stmt *stmt,
                   gpointer      data)
{
  FoundMember *found = data;

  found->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  found->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  found->left = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
}

/**
 * evg_inbox_assign:
 * @member: the member who handles it: their record's id or ID number
 *
 * Assigns the message to a current member of the branch.
 *
 * Returns: (transfer full): the event's id, or %NULL with @error set
 */
char *
evg_inbox_assign (EvgInbox    *self,
                  const char  *message_id,
                  const char  *member,
                  GError     **error)
{
  g_autoptr(EvgRecord) event = evg_record_new (&evg_feedback_event_table, NULL);
  g_autofree char *key = g_ascii_strup (member != NULL ? g_strstrip (g_strdup (member)) : "", -1);
  g_autofree char *lower = g_ascii_strdown (key, -1);
  FoundMember found = { NULL, NULL, FALSE };
  char *id;

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);

  if (!evg_store_each_row (self->store,
                           "SELECT id, name, left_reason FROM member "
                           "WHERE (id = ?1 OR id_number = ?2) AND deleted = 0 LIMIT 1",
                           EVG_PARAMS (lower, key), read_found_member, &found, error))
    return NULL;
  if (found.id == NULL || found.left)
    {
      g_set_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID,
                   found.id == NULL ? _("“%s” is not a member of this branch. Check the ID number.")
                                    : _("%s is no longer a member of the branch."),
                   found.id == NULL ? key : found.name);
      g_free (found.id);
      g_free (found.name);
      return NULL;
    }
  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, "assigned");
  evg_record_take (event, EVG_FEEDBACK_EVENT_ASSIGNEE, found.id);
  evg_record_take (event, EVG_FEEDBACK_EVENT_TEXT, found.name);
  id = evg_inbox_add_event (self, message_id, event, error);
  return id;
}

/**
 * evg_inbox_callback:
 * @resolved: "yes", "partly" or "no" (已解决, 部分解决, 未解决)
 * @satisfied: "yes", "basically" or "no" (满意, 基本满意, 不满意)
 *
 * Records the callback (回访): what the resident says of the answer.
 *
 * Returns: (transfer full): the event's id, or %NULL with @error set
 */
char *
evg_inbox_callback (EvgInbox    *self,
                    const char  *message_id,
                    const char  *resolved,
                    const char  *satisfied,
                    GError     **error)
{
  g_autoptr(EvgRecord) event = evg_record_new (&evg_feedback_event_table, NULL);

  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, "callback");
  evg_record_set (event, EVG_FEEDBACK_EVENT_RESOLVED, resolved);
  evg_record_set (event, EVG_FEEDBACK_EVENT_SATISFIED, satisfied);
  return evg_inbox_add_event (self, message_id, event, error);
}

/* Duplicates */

/* How alike two texts are: the share of their neighbouring character
 * pairs they have in common (Dice), from 0 to 1. */
static double
text_likeness (const char *a,
               const char *b)
{
  g_autoptr(GHashTable) pairs = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n_a = 0, n_b = 0, common = 0;

  for (int side = 0; side < 2; side++)
    {
      const char *text = side == 0 ? a : b;
      gunichar previous = 0;

      for (const char *p = text != NULL ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          gint64 key;

          if (!g_unichar_isalnum (c))
            {
              previous = 0;
              continue;
            }
          c = g_unichar_tolower (c);
          if (previous != 0)
            {
              key = ((gint64) previous << 32) | c;
              if (side == 0)
                {
                  g_array_append_val (keys, key);
                  n_a++;
                }
              else
                {
                  gint64 *found = g_hash_table_lookup (pairs, &key);

                  n_b++;
                  if (found != NULL)
                    {
                      common++;
                      g_hash_table_remove (pairs, &key);
                    }
                }
            }
          previous = c;
        }
      if (side == 0)
        for (guint i = 0; i < keys->len; i++)
          g_hash_table_add (pairs, &g_array_index (keys, gint64, i));
    }
  return n_a + n_b > 0 ? 2.0 * common / (n_a + n_b) : 0;
}

typedef struct
{
  EvgRecord *message;
  double     likeness;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *x = a, *y = b;

  return x->likeness > y->likeness ? -1 : x->likeness < y->likeness;
}

/* Texts this alike are the same problem, said twice. */
#define MIN_LIKENESS 0.3
#define MAX_CANDIDATES 500

static void
add_candidate_id (sqlite3_stmt *stmt,
                  gpointer      data)
{
  g_ptr_array_add (data, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
}

/**
 * evg_inbox_suggest_duplicates:
 * @limit: at most this many
 *
 * Messages that may be the same problem as @message_id: of the same
 * category and place, not merged into another, with a similar text, the
 * most alike first.
 *
 * Returns: (transfer full) (element-type EvgRecord): the suggestions
 */
GPtrArray *
evg_inbox_suggest_duplicates (EvgInbox   *self,
                              const char *message_id,
                              guint       limit)
{
  g_autoptr(EvgRecord) message = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GError) error = NULL;
  GPtrArray *suggestions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *cap = g_strdup_printf ("%d", MAX_CANDIDATES);
  const char *category, *place;

  g_return_val_if_fail (EVG_IS_INBOX (self), suggestions);

  message = evg_inbox_dup_message (self, message_id);
  if (message == NULL)
    return suggestions;
  category = evg_record_get (message, EVG_FEEDBACK_CATEGORY);
  place = evg_record_get (message, EVG_FEEDBACK_PLACE);
  if (!evg_store_each_row (self->store,
                           "SELECT id FROM feedback WHERE category IS ?1 AND place IS ?2 AND id <> ?3 "
                           "AND merged_into IS NULL AND deleted = 0 ORDER BY received_at DESC LIMIT ?4",
                           EVG_PARAMS (category, place, message_id, cap), add_candidate_id, ids, &error))
    {
      g_warning ("Could not look for duplicates: %s", error->message);
      return suggestions;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      Candidate candidate = { evg_inbox_dup_message (self, g_ptr_array_index (ids, i)), 0 };

      if (candidate.message == NULL)
        continue;
      candidate.likeness = text_likeness (evg_record_get (message, EVG_FEEDBACK_CONTENT),
                                          evg_record_get (candidate.message, EVG_FEEDBACK_CONTENT));
      if (candidate.likeness >= MIN_LIKENESS)
        g_array_append_val (candidates, candidate);
      else
        g_object_unref (candidate.message);
    }
  g_array_sort (candidates, compare_candidates);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *candidate = &g_array_index (candidates, Candidate, i);

      if (suggestions->len < limit)
        g_ptr_array_add (suggestions, candidate->message);
      else
        g_object_unref (candidate->message);
    }
  return suggestions;
}

/**
 * evg_inbox_merge:
 * @duplicate_id: the message said again
 * @into_id: the message it is answered through
 *
 * Merges a duplicate: it is left out of the rates, and every public reply
 * to @into_id, those given already and those to come, is recorded on it
 * too, so its resident has the answer.
 */
gboolean
evg_inbox_merge (EvgInbox    *self,
                 const char  *duplicate_id,
                 const char  *into_id,
                 GError     **error)
{
  g_autoptr(EvgRecord) duplicate = NULL;
  g_autoptr(EvgRecord) into = NULL;
  g_autoptr(EvgRecord) event = evg_record_new (&evg_feedback_event_table, NULL);
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(EvgTxn) txn = NULL;

  g_return_val_if_fail (EVG_IS_INBOX (self), FALSE);

  duplicate = evg_inbox_dup_message (self, duplicate_id);
  into = evg_inbox_dup_message (self, into_id);
  if (duplicate == NULL || into == NULL)
    {
      g_set_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_NOT_FOUND, _("No message has the id “%s”."),
                   duplicate == NULL ? duplicate_id : into_id);
      return FALSE;
    }
  if (g_strcmp0 (duplicate_id, into_id) == 0)
    {
      g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP,
                           _("A message cannot be merged into itself."));
      return FALSE;
    }
  if (evg_record_get (into, EVG_FEEDBACK_MERGED_INTO) != NULL)
    {
      g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP,
                           _("That message was itself merged into another: merge into that one."));
      return FALSE;
    }
  if (evg_record_get (duplicate, EVG_FEEDBACK_MERGED_INTO) != NULL)
    {
      g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP,
                           _("This message was merged already."));
      return FALSE;
    }
  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, "merged");
  evg_record_set (event, EVG_FEEDBACK_EVENT_OTHER_ID, into_id);
  if (!check_event (self, duplicate, event, FALSE, error))
    return FALSE;
  replies = evg_inbox_list_events (self, into_id, error);
  if (replies == NULL)
    return FALSE;
  txn = evg_store_begin (self->store, error);
  if (txn == NULL || !write_event (txn, duplicate, event, error))
    return FALSE;
  for (guint i = 0; i < replies->len; i++)
    {
      EvgRecord *reply = g_ptr_array_index (replies, i);
      g_autoptr(EvgRecord) copy = NULL;

      if (g_strcmp0 (evg_record_get (reply, EVG_FEEDBACK_EVENT_KIND), "reply") != 0)
        continue;
      copy = evg_record_new (&evg_feedback_event_table, NULL);
      for (guint k = 0; k < EVG_FEEDBACK_EVENT_N_FIELDS; k++)
        evg_record_set (copy, k, evg_record_get (reply, k));
      evg_record_set (copy, EVG_FEEDBACK_EVENT_FEEDBACK_ID, duplicate_id);
      if (!write_event (txn, duplicate, copy, error))
        return FALSE;
      evg_record_set (duplicate, EVG_FEEDBACK_STATUS, "replied");
    }
  return evg_txn_commit (txn, error);
}

/* Links */

static void
add_linked_event (sqlite3_stmt *stmt,
                  gpointer      data)
{
  add_event_row (stmt, data);
}

/**
 * evg_inbox_find_linked:
 * @other_id: a whistle, a meeting or a message
 *
 * Returns: (transfer full) (element-type EvgRecord): the events that link
 *   a message to @other_id (a whistle raised for it, an agenda it is on, a
 *   merge), oldest first; each event's feedback_id names its message
 */
GPtrArray *
evg_inbox_find_linked (EvgInbox   *self,
                       const char *other_id)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  g_autoptr(GError) error = NULL;
  GPtrArray *events = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (EVG_IS_INBOX (self), events);

  evg_record_append_columns (&evg_feedback_event_table, NULL, sql);
  g_string_append (sql, " FROM feedback_event WHERE other_id = ?1 AND deleted = 0 ORDER BY at, rowid");
  if (!evg_store_each_row (self->store, sql->str, EVG_PARAMS (other_id), add_linked_event, events, &error))
    g_warning ("Could not read the links of a record: %s", error->message);
  return events;
}

/**
 * evg_inbox_check_step:
 * @kind: an event kind, such as "whistle"
 *
 * Whether the message may take the step @kind now, by the rules every
 * step is recorded by: for work made of a message before its link is
 * recorded (a whistle, an agenda line), so that nothing is made for a
 * message that cannot take it.
 */
gboolean
evg_inbox_check_step (EvgInbox    *self,
                      const char  *message_id,
                      const char  *kind,
                      GError     **error)
{
  g_autoptr(EvgRecord) message = NULL;
  g_autoptr(GPtrArray) events = NULL;
  EvgFeedbackProgress progress;
  const char *problem;

  g_return_val_if_fail (EVG_IS_INBOX (self), FALSE);

  message = evg_inbox_dup_message (self, message_id);
  if (message == NULL)
    {
      g_set_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_NOT_FOUND, _("No message has the id “%s”."),
                   message_id);
      return FALSE;
    }
  events = evg_inbox_list_events (self, message_id, error);
  if (events == NULL)
    return FALSE;
  read_progress (&progress, message, events);
  problem = evg_feedback_progress_check (&progress, kind);
  return problem == NULL || refuse_step (error, problem);
}

/**
 * evg_inbox_link:
 * @kind: "whistle" (a whistle was raised for the message) or "agenda"
 *   (it was put on a meeting's agenda)
 * @other_id: the whistle or the meeting
 * @text: (nullable): what the timeline says, e.g. the meeting's title
 *
 * Records on the message's timeline that work was made of it; the other
 * record finds the message back through evg_inbox_find_linked().
 */
gboolean
evg_inbox_link (EvgInbox    *self,
                const char  *message_id,
                const char  *kind,
                const char  *other_id,
                const char  *text,
                GError     **error)
{
  g_autoptr(EvgRecord) event = evg_record_new (&evg_feedback_event_table, NULL);
  g_autofree char *id = NULL;

  g_return_val_if_fail (g_strcmp0 (kind, "whistle") == 0 || g_strcmp0 (kind, "agenda") == 0, FALSE);

  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, kind);
  evg_record_set (event, EVG_FEEDBACK_EVENT_OTHER_ID, other_id);
  evg_record_set (event, EVG_FEEDBACK_EVENT_TEXT, text);
  id = evg_inbox_add_event (self, message_id, event, error);
  return id != NULL;
}

