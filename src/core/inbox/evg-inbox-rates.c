/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-inbox"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-inbox.h"
#include "evg-store-private.h"
#include "evg-validate.h"
#include "evg-xlsx-writer.h"

/* The inbox's three monthly rates (响应率, 解决率, 满意率), worked out
 * from the messages' events every time they are asked for, and the
 * month's export. */

/* The rates */

/* What one message adds to its month's rates, from its events. */
typedef struct
{
  int      month;          /* index into the months asked for */
  gint64   respond_by;
  gboolean merged;
  gboolean excluded;
  gint64   responded_at;   /* -1 until contacted or answered */
  gint64   callback_at;    /* the latest callback */
  gint64   callback_rowid; /* … the later stored of those of one minute */
  char     resolved;       /* 'y', 'p', 'n' or 0 */
  char     satisfied;      /* 'y', 'b', 'n' or 0 */
} Tally;

typedef struct
{
  EvgFeedbackRates *rates;
  guint             n_months;
  int               first_year;
  int               first_month;
} RatesScan;

static void
add_tally (RatesScan   *scan,
           const Tally *t)
{
  EvgFeedbackRates *r;

  if (t->month < 0 || (guint) t->month >= scan->n_months)
    return;
  r = &scan->rates[t->month];
  r->received++;
  if (t->merged || t->excluded)
    {
      r->excluded++;
      return;
    }
  r->counted++;
  if (t->responded_at >= 0)
    {
      r->responded++;
      if (t->respond_by < 0 || t->responded_at <= t->respond_by)
        r->responded_in_time++;
    }
  if (t->resolved != 0 && t->satisfied != 0)
    {
      r->called_back++;
      r->resolved += t->resolved == 'y';
      r->partly_resolved += t->resolved == 'p';
      r->not_resolved += t->resolved == 'n';
      r->satisfied += t->satisfied == 'y';
      r->basically_satisfied += t->satisfied == 'b';
      r->dissatisfied += t->satisfied == 'n';
    }
}

static int
month_index (RatesScan  *scan,
             const char *received_at)
{
  int year, month;

  if (received_at == NULL || strlen (received_at) < 7 || received_at[4] != '-')
    return -1;
  year = (int) g_ascii_strtoll (received_at, NULL, 10);
  month = (int) g_ascii_strtoll (received_at + 5, NULL, 10);
  return (year - scan->first_year) * 12 + (month - scan->first_month);
}

/* Whether the field of an event's text starting at @p, up to '|', ';' or
 * the end, is @word. */
static gboolean
field_is (const char *p,
          const char *word)
{
  while (*word != '\0' && *p == *word)
    p++, word++;
  return *word == '\0' && (*p == '|' || *p == ';' || *p == '\0');
}

/* Adds one event, as feedback_rate_input holds it
 * ("kind|at|resolved|satisfied|rowid"), to @t. */
static void
add_event (Tally      *t,
           const char *event)
{
  const char *field[5];
  char at_text[EVG_MINUTE_SIZE];
  guint n = 0;
  gint64 at, rowid;
  gsize len;

  field[n++] = event;
  for (const char *p = event; *p != '\0' && *p != ';' && n < G_N_ELEMENTS (field); p++)
    if (*p == '|')
      field[n++] = p + 1;
  if (n < G_N_ELEMENTS (field))
    return;   /* not written by the triggers: nothing to count */
  len = (gsize) (field[2] - 1 - field[1]);
  if (len >= sizeof at_text)
    return;
  memcpy (at_text, field[1], len);
  at_text[len] = '\0';
  at = evg_parse_minute (at_text);
  rowid = g_ascii_strtoll (field[4], NULL, 10);

  if (field_is (event, "callback"))
    {
      if (at > t->callback_at || (at == t->callback_at && rowid > t->callback_rowid))
        {
          t->callback_at = at;
          t->callback_rowid = rowid;
          t->resolved = field_is (field[2], "yes") ? 'y' : field_is (field[2], "partly") ? 'p'
                        : field_is (field[2], "no") ? 'n' : 0;
          t->satisfied = field_is (field[3], "yes") ? 'y' : field_is (field[3], "basically") ? 'b'
                         : field_is (field[3], "no") ? 'n' : 0;
        }
    }
  else if (field_is (event, "contacted") || field_is (event, "waiting") || field_is (event, "reply"))
    {
      /* Contact, a wait for the resident's answer, or a reply: the first
       * is the response. */
      if (at >= 0 && (t->responded_at < 0 || at < t->responded_at))
        t->responded_at = at;
    }
  else if (field_is (event, "excluded"))
    t->excluded = TRUE;
}

/* One message: received_at, response_due, merged, its events. */
static void
add_rates_row (sqlite3_stmt *stmt,
               gpointer      data)
{
  RatesScan *scan = data;
  const char *events = (const char *) sqlite3_column_text (stmt, 3);
  Tally t = { 0 };

  t.month = month_index (scan, (const char *) sqlite3_column_text (stmt, 0));
  t.respond_by = evg_parse_minute ((const char *) sqlite3_column_text (stmt, 1));
  t.merged = sqlite3_column_int (stmt, 2) != 0;
  t.responded_at = t.callback_at = t.callback_rowid = -1;
  for (const char *p = events; p != NULL; p = strchr (p, ';'))
    {
      if (*p == ';')
        p++;
      add_event (&t, p);
    }
  add_tally (scan, &t);
}

static double
share (double part,
       guint  whole)
{
  return whole > 0 ? part / whole : -1;
}

/* Counts what the rates of @n_months months from @year-@month in @store
 * (any thread's connection) are made of. */
static gboolean
count_rates (EvgStore          *store,
             guint              year,
             guint              month,
             guint              n_months,
             const char        *category,
             EvgFeedbackRates  *rates,
             GError           **error)
{
  RatesScan scan = { rates, n_months, 0, 0 };
  guint last_year, last_month;
  char from[32], to[32];
  gboolean read;

  memset (rates, 0, sizeof *rates * n_months);
  scan.first_year = (int) year;
  scan.first_month = (int) month;
  last_month = month - 1 + n_months;
  last_year = year + last_month / 12;
  last_month = last_month % 12 + 1;
  g_snprintf (from, sizeof from, "%04u-%02u", year, month);
  g_snprintf (to, sizeof to, "%04u-%02u", last_year, last_month);

  /* One row for each message, with the events a rate reads (kept by
   * triggers: see migration 11 -> 12 in evg-schema.c), in one range of
   * the table. */
#define RATES_SQL(category_term) \
  "SELECT received_at, response_due, merged, events FROM feedback_rate_input " \
  "WHERE received_at >= ?1 AND received_at < ?2 " category_term
  if (category != NULL)
    read = evg_store_each_row (store, RATES_SQL ("AND category = ?3"), EVG_PARAMS (from, to, category),
                               add_rates_row, &scan, error);
  else
    read = evg_store_each_row (store, RATES_SQL (""), EVG_PARAMS (from, to), add_rates_row, &scan, error);
#undef RATES_SQL
  return read;
}

/* The later months of a span, counted on a connection of their own while
 * the calling thread counts the earlier ones: a year is 125,000 rows to
 * step through and parse, and an office PC has two cores or more. */
typedef struct
{
  EvgStore         *store;
  guint             year;
  guint             month;
  guint             n_months;
  const char       *category;
  EvgFeedbackRates *rates;
  GError           *error;
  gboolean          counted;
} RatesPart;

static gpointer
count_part (gpointer data)
{
  RatesPart *part = data;
  g_autoptr(EvgStore) own = evg_store_open_sibling (part->store, &part->error);

  if (own != NULL)
    part->counted = count_rates (own, part->year, part->month, part->n_months, part->category, part->rates,
                                 &part->error);
  return NULL;
}

/* Months worth a second connection: below this, opening it costs more. */
#define MIN_MONTHS_TO_SPLIT 4

/* Works out the rates of @n_months months from @first_month in @store
 * (any thread's connection). */
static gboolean
compute_rates (EvgStore              *store,
               const char            *first_month,
               guint                  n_months,
               const char            *category,
               const EvgRateWeights  *weights,
               EvgFeedbackRates      *rates,
               GError               **error)
{
  guint year, month;
  RatesPart part = { store, 0, 0, 0, category, NULL, NULL, FALSE };
  GThread *thread = NULL;
  guint mine = n_months;
  gboolean counted;

  if (!evg_parse_year_month (first_month, &year, &month))
    {
      g_set_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID,
                   _("“%s” is not a month. Write it as YYYY-MM, e.g. 2026-11."), first_month);
      return FALSE;
    }
  if (n_months >= MIN_MONTHS_TO_SPLIT && g_get_num_processors () > 1 && evg_store_get_path (store) != NULL)
    {
      guint later = month - 1 + n_months / 2;

      mine = n_months / 2;
      part.year = year + later / 12;
      part.month = later % 12 + 1;
      part.n_months = n_months - mine;
      part.rates = rates + mine;
      thread = g_thread_new ("evg-rates", count_part, &part);
    }
  counted = count_rates (store, year, month, mine, category, rates, error);
  if (thread != NULL)
    {
      g_thread_join (thread);
      if (counted && !part.counted)
        {
          g_propagate_error (error, g_steal_pointer (&part.error));
          counted = FALSE;
        }
      g_clear_error (&part.error);
    }
  if (!counted)
    return FALSE;
  for (guint i = 0; i < n_months; i++)
    {
      EvgFeedbackRates *r = &rates[i];

      r->response_rate = share (r->responded_in_time, r->counted);
      r->resolution_rate = share (r->resolved + r->partly_resolved * weights->partly_resolved, r->called_back);
      r->satisfaction_rate = share (r->satisfied + r->basically_satisfied * weights->basically_satisfied,
                                    r->called_back);
    }
  return TRUE;
}

/**
 * evg_inbox_compute_rates:
 * @first_month: YYYY-MM
 * @category: (nullable): a category's code, or %NULL for all messages
 * @rates: (out caller-allocates) (array length=n_months): filled in
 *
 * Works out the three rates of each month from the messages received in
 * it and their events, every time: never from stored counts.
 */
gboolean
evg_inbox_compute_rates (EvgInbox          *self,
                         const char        *first_month,
                         guint              n_months,
                         const char        *category,
                         EvgFeedbackRates  *rates,
                         GError           **error)
{
  EvgRateWeights weights;

  g_return_val_if_fail (EVG_IS_INBOX (self), FALSE);
  g_return_val_if_fail (n_months > 0 && n_months <= 120, FALSE);

  evg_inbox_get_weights (self, &weights);
  return compute_rates (evg_inbox_get_store (self), first_month, n_months, category, &weights, rates, error);
}

typedef struct
{
  EvgStore       *store;
  char           *first_month;
  guint           n_months;
  char           *category;
  EvgRateWeights  weights;
} RatesJob;

static void
rates_job_free (RatesJob *job)
{
  g_object_unref (job->store);
  g_free (job->first_month);
  g_free (job->category);
  g_free (job);
}

static void
rates_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  RatesJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) worker = evg_store_open_sibling (job->store, &error);
  g_autofree EvgFeedbackRates *rates = g_new0 (EvgFeedbackRates, job->n_months);

  if (worker == NULL ||
      !compute_rates (worker, job->first_month, job->n_months, job->category, &job->weights, rates, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&rates), g_free);
}

/**
 * evg_inbox_compute_rates_async:
 *
 * As evg_inbox_compute_rates(), in a worker with its own connection.
 */
void
evg_inbox_compute_rates_async (EvgInbox            *self,
                               const char          *first_month,
                               guint                n_months,
                               const char          *category,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RatesJob *job;

  g_return_if_fail (EVG_IS_INBOX (self));
  g_return_if_fail (n_months > 0 && n_months <= 120);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, evg_inbox_compute_rates_async);
  job = g_new0 (RatesJob, 1);
  job->store = g_object_ref (evg_inbox_get_store (self));
  job->first_month = g_strdup (first_month);
  job->n_months = n_months;
  job->category = g_strdup (category);
  evg_inbox_get_weights (self, &job->weights);
  g_task_set_task_data (task, job, (GDestroyNotify) rates_job_free);
  g_task_run_in_thread (task, rates_thread);
}

/**
 * evg_inbox_compute_rates_finish:
 * @n_months: (out) (optional): how many months the result holds
 *
 * Returns: (transfer full) (array length=n_months): the rates, to free
 *   with g_free(), or %NULL with @error set
 */
EvgFeedbackRates *
evg_inbox_compute_rates_finish (EvgInbox      *self,
                                GAsyncResult  *result,
                                guint         *n_months,
                                GError       **error)
{
  RatesJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  job = g_task_get_task_data (G_TASK (result));
  if (n_months != NULL)
    *n_months = job->n_months;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Export */

static const char * const month_headers[] = {
  "收到时间", "渠道", "类别", "地点", "留言内容", "状态", "响应时限", "办结时限", "首次响应", "解决情况", "满意度",
};

static char *
percent (double rate)
{
  return rate < 0 ? g_strdup ("—") : g_strdup_printf ("%.1f%%", rate * 100);
}

static const char *
label_of (const EvgColumnSpec *column,
          const char          *code)
{
  const EvgChoice *choice = evg_column_spec_find_choice (column, code);

  return choice != NULL ? choice->chinese : code != NULL ? code : "";
}

static void
add_export_row (sqlite3_stmt *stmt,
                gpointer      data)
{
  GPtrArray *rows = data;
  char **cells = g_new0 (char *, G_N_ELEMENTS (month_headers) + 1);
  static const EvgFeedbackField fields[] = {
    EVG_FEEDBACK_RECEIVED_AT, EVG_FEEDBACK_CHANNEL, EVG_FEEDBACK_CATEGORY, EVG_FEEDBACK_PLACE,
    EVG_FEEDBACK_CONTENT, EVG_FEEDBACK_STATUS, EVG_FEEDBACK_RESPONSE_DUE, EVG_FEEDBACK_RESOLUTION_DUE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *value = (const char *) sqlite3_column_text (stmt, (int) i);
      const EvgColumnSpec *column = evg_feedback_field_get_info (fields[i]);

      cells[i] = g_strdup (column->kind == EVG_FIELD_KIND_CHOICE ? label_of (column, value)
                                                                  : value != NULL ? value : "");
    }
  cells[8] = g_strdup (sqlite3_column_text (stmt, 8) != NULL ? (const char *) sqlite3_column_text (stmt, 8) : "");
  cells[9] = g_strdup (label_of (evg_feedback_event_field_get_info (EVG_FEEDBACK_EVENT_RESOLVED),
                                 (const char *) sqlite3_column_text (stmt, 9)));
  cells[10] = g_strdup (label_of (evg_feedback_event_field_get_info (EVG_FEEDBACK_EVENT_SATISFIED),
                                  (const char *) sqlite3_column_text (stmt, 10)));
  g_ptr_array_add (rows, cells);
}

static char **
rate_row (const char *name,
          double      rate,
          char       *formula)
{
  char **cells = g_new0 (char *, G_N_ELEMENTS (month_headers) + 1);

  cells[0] = g_strdup (name);
  cells[1] = *name != '\0' ? percent (rate) : g_strdup ("");
  cells[2] = formula;
  for (guint i = 3; i < G_N_ELEMENTS (month_headers); i++)
    cells[i] = g_strdup ("");
  return cells;
}

/**
 * evg_inbox_export_month:
 * @month: YYYY-MM
 * @path: a .xlsx workbook when it ends so, else CSV
 *
 * Writes the month's messages (without anyone's name or contact) and,
 * below them, its three rates with their formulas.
 */
gboolean
evg_inbox_export_month (EvgInbox    *self,
                        const char  *month,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *from = NULL;
  EvgFeedbackRates rates;

  g_return_val_if_fail (EVG_IS_INBOX (self), FALSE);

  if (!evg_inbox_compute_rates (self, month, 1, NULL, &rates, error))
    return FALSE;
  from = g_strndup (month, 7);
  if (!evg_store_each_row (evg_inbox_get_store (self),
                           "SELECT f.received_at, f.channel, f.category, f.place, f.content, f.status, "
                           "  f.response_due, f.resolution_due, "
                           "  (SELECT min (at) FROM feedback_event r WHERE r.feedback_id = f.id AND r.deleted = 0 "
                           "     AND r.kind IN ('contacted', 'waiting', 'reply')), "
                           "  c.resolved, c.satisfied "
                           "FROM feedback f LEFT JOIN feedback_event c ON c.id = "
                           "  (SELECT id FROM feedback_event WHERE feedback_id = f.id AND kind = 'callback' "
                           "     AND deleted = 0 ORDER BY at DESC, rowid DESC LIMIT 1) "
                           "WHERE f.deleted = 0 AND substr (f.received_at, 1, 7) = ?1 "
                           "ORDER BY f.received_at, f.rowid",
                           EVG_PARAMS (from), add_export_row, rows, error))
    return FALSE;
  g_ptr_array_add (rows, rate_row ("", -2, g_strdup ("")));
  g_ptr_array_add (rows, rate_row ("响应率", rates.response_rate, evg_inbox_dup_formula (self, EVG_RATE_RESPONSE)));
  g_ptr_array_add (rows, rate_row ("解决率", rates.resolution_rate, evg_inbox_dup_formula (self, EVG_RATE_RESOLUTION)));
  g_ptr_array_add (rows, rate_row ("满意率", rates.satisfaction_rate,
                                   evg_inbox_dup_formula (self, EVG_RATE_SATISFACTION)));
  return evg_table_file_write (path, "留言", month_headers, G_N_ELEMENTS (month_headers), rows, error);
}
