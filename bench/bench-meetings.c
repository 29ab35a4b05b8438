/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "evg-calendar.h"
#include "evg-store-private.h"

/* The calendar's figures for a branch of 2,000 members with ten years of
 * meetings (some 8,000) and a million attendance records (issue #8):
 *   - switching months (the meetings of the six weeks a month shows, by
 *     day): p95 ≤ 16 ms
 *   - a year's compliance: ≤ 20 ms
 *   - the attendance sheet of a 2,000-member 党员大会, with its quorum:
 *     ≤ 150 ms
 *   - every member's 12-month attendance rate: ≤ 200 ms
 * The data is written straight into the tables (the figures are about
 * reading it); prints one JSON object. */

#define N_MEMBERS   2000
#define N_GROUPS    5
#define FIRST_YEAR  2017
#define N_YEARS     10
#define PER_YEAR    800
#define PER_MEETING 125

static const char * const types[] = {
  "general_meeting", "committee", "group_meeting", "lecture", "theme_day", "life_meeting",
};

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
fill (EvgStore *store,
      char     *general_id,
      gsize     general_id_size)
{
  sqlite3 *db = evg_store_get_db (store);
  sqlite3_stmt *member, *meeting, *attendance, *group;
  GRand *rand = g_rand_new_with_seed (8);
  char id[64], text[64];

  exec (db, "BEGIN");
  sqlite3_prepare_v2 (db, "INSERT INTO party_group (id, branch, hlc, field_hlc, name, sort_order) "
                          "VALUES (?1, 'B001', '0', '{}', ?2, ?3)", -1, &group, NULL);
  for (int g = 0; g < N_GROUPS; g++)
    {
      g_snprintf (id, sizeof id, "g%d", g);
      g_snprintf (text, sizeof text, "第%d党小组", g + 1);
      sqlite3_bind_text (group, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (group, 2, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (group, 3, g);
      sqlite3_step (group);
      sqlite3_reset (group);
    }
  sqlite3_prepare_v2 (db, "INSERT INTO member (id, branch, hlc, field_hlc, name, category, "
                          "joined_on, full_member_on, party_group_id, party_post) "
                          "VALUES (?1, 'B001', '0', '{}', ?2, ?3, ?4, ?5, ?6, ?7)", -1, &member, NULL);
  for (int m = 0; m < N_MEMBERS; m++)
    {
      gboolean full = m % 10 != 0;

      g_snprintf (id, sizeof id, "m%05d", m);
      g_snprintf (text, sizeof text, "党员%04d", m);
      sqlite3_bind_text (member, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (member, 2, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (member, 3, full ? "full" : "probationary", -1, SQLITE_STATIC);
      sqlite3_bind_text (member, 4, "2000-07-01", -1, SQLITE_STATIC);
      if (full)
        sqlite3_bind_text (member, 5, "2001-07-01", -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (member, 5);
      g_snprintf (text, sizeof text, "g%d", m % N_GROUPS);
      sqlite3_bind_text (member, 6, text, -1, SQLITE_TRANSIENT);
      if (m < 7)
        sqlite3_bind_text (member, 7, "委员", -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (member, 7);
      sqlite3_step (member);
      sqlite3_reset (member);
    }

  sqlite3_prepare_v2 (db, "INSERT INTO meeting (id, branch, hlc, field_hlc, type, starts_at, status, "
                          "party_group_id) VALUES (?1, 'B001', '0', '{}', ?2, ?3, ?4, ?5)", -1, &meeting, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO attendance (id, branch, hlc, field_hlc, meeting_id, member_id, status) "
                          "VALUES (?1, 'B001', '0', '{}', ?2, ?3, ?4)", -1, &attendance, NULL);
  for (int y = 0; y < N_YEARS; y++)
    for (int k = 0; k < PER_YEAR; k++)
      {
        int day = (int) g_rand_int_range (rand, 0, 365);
        GDate date;
        char start[20], day_text[11];
        const char *type = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];
        gboolean big = y == N_YEARS - 1 && k == 0;

        g_date_clear (&date, 1);
        g_date_set_dmy (&date, 1, 1, (GDateYear) (FIRST_YEAR + y));
        g_date_add_days (&date, (guint) day);
        g_date_strftime (day_text, sizeof day_text, "%Y-%m-%d", &date);
        g_snprintf (start, sizeof start, "%s %02d:30", day_text, 8 + k % 12);
        g_snprintf (id, sizeof id, "mt%d-%03d", y, k);
        if (big)
          {
            type = "general_meeting";
            g_strlcpy (general_id, id, general_id_size);
          }
        sqlite3_bind_text (meeting, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (meeting, 2, type, -1, SQLITE_STATIC);
        sqlite3_bind_text (meeting, 3, start, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (meeting, 4, "held", -1, SQLITE_STATIC);
        g_snprintf (text, sizeof text, "g%d", k % N_GROUPS);
        sqlite3_bind_text (meeting, 5, text, -1, SQLITE_TRANSIENT);
        sqlite3_step (meeting);
        sqlite3_reset (meeting);
        /* The big meeting has everyone marked; the others a share. */
        for (int a = 0; a < (big ? N_MEMBERS : PER_MEETING); a++)
          {
            int m = big ? a : (k * 37 + a * 16) % N_MEMBERS;
            char member_id[16], row_id[48];
            static const char * const marks[] = { "present", "present", "present", "late", "leave", "absent" };

            g_snprintf (member_id, sizeof member_id, "m%05d", m);
            g_snprintf (row_id, sizeof row_id, "%s/%s", id, member_id);
            sqlite3_bind_text (attendance, 1, row_id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text (attendance, 2, id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text (attendance, 3, member_id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text (attendance, 4, marks[(a + k) % G_N_ELEMENTS (marks)], -1, SQLITE_STATIC);
            sqlite3_step (attendance);
            sqlite3_reset (attendance);
          }
      }
  sqlite3_finalize (group);
  sqlite3_finalize (member);
  sqlite3_finalize (meeting);
  sqlite3_finalize (attendance);
  exec (db, "COMMIT");
  exec (db, "ANALYZE");
  g_rand_free (rand);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *ms,
            double  p)
{
  g_array_sort (ms, compare_double);
  return g_array_index (ms, double, MIN (ms->len - 1, (guint) (p * ms->len)));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("evg-bench-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "meetings.db", NULL);
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GArray) months = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) years = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GListModel) sheet = NULL;
  g_autoptr(GHashTable) rates = NULL;
  char general_id[64] = "";
  gint64 t0, t1;
  double load_ms, sheet_ms, rates_ms;
  EvgQuorum quorum;

  store = evg_store_open (path, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  fill (store, general_id, sizeof general_id);
  t1 = g_get_monotonic_time ();
  fprintf (stderr, "filled in %.1f s\n", (t1 - t0) / 1e6);

  t0 = g_get_monotonic_time ();
  calendar = evg_calendar_new (store, &error);
  g_assert_no_error (error);
  /* The meetings are read when first asked for. */
  g_assert_cmpuint (g_list_model_get_n_items (evg_calendar_get_meetings (calendar)), >, 0);
  load_ms = (g_get_monotonic_time () - t0) / 1000.0;

  /* Each month of the ten years, as the page reads it: six weeks from the
   * Monday on or before the 1st, then the meetings by day. */
  for (int y = 0; y < N_YEARS; y++)
    for (int m = 1; m <= 12; m++)
      {
        g_autoptr(GPtrArray) found = NULL;
        g_autofree char *first_text = NULL, *last_text = NULL;
        GDate first, last;
        double ms;
        guint per_day[42] = { 0 };

        t0 = g_get_monotonic_time ();
        g_date_clear (&first, 1);
        g_date_set_dmy (&first, 1, (GDateMonth) m, (GDateYear) (FIRST_YEAR + y));
        g_date_subtract_days (&first, g_date_get_weekday (&first) - G_DATE_MONDAY);
        last = first;
        g_date_add_days (&last, 41);
        first_text = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&first), g_date_get_month (&first),
                                      g_date_get_day (&first));
        last_text = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&last), g_date_get_month (&last),
                                     g_date_get_day (&last));
        found = evg_calendar_list_between (calendar, first_text, last_text);
        for (guint i = 0; i < found->len; i++)
          {
            g_autofree char *day = evg_meeting_dup_day (g_ptr_array_index (found, i));
            GDate d;

            g_date_clear (&d, 1);
            g_date_set_parse (&d, day);
            per_day[MIN (41, (guint) g_date_days_between (&first, &d))]++;
          }
        ms = (g_get_monotonic_time () - t0) / 1000.0;
        g_array_append_val (months, ms);
      }

  for (int y = 0; y < N_YEARS; y++)
    {
      g_autoptr(GPtrArray) rows = NULL;
      double ms;

      t0 = g_get_monotonic_time ();
      rows = evg_calendar_compliance (calendar, FIRST_YEAR + y, "2026-12-06", &error);
      g_assert_no_error (error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (years, ms);
    }

  t0 = g_get_monotonic_time ();
  sheet = evg_calendar_build_sheet (calendar, evg_calendar_lookup (calendar, general_id), &error);
  g_assert_no_error (error);
  evg_calendar_count_quorum (calendar, sheet, &quorum);
  sheet_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_assert_cmpuint (quorum.due, ==, N_MEMBERS);

  t0 = g_get_monotonic_time ();
  rates = evg_calendar_attendance_rates (calendar, "2026-12-06", &error);
  g_assert_no_error (error);
  rates_ms = (g_get_monotonic_time () - t0) / 1000.0;

  printf ("{\"members\": %d, \"meetings\": %u, \"attendance\": %" G_GINT64_FORMAT ",\n"
          " \"load_ms\": %.1f,\n"
          " \"month_switch_ms\": {\"p50\": %.2f, \"p95\": %.2f, \"max\": %.2f, \"target_p95\": 16},\n"
          " \"year_compliance_ms\": {\"p50\": %.2f, \"max\": %.2f, \"target\": 20},\n"
          " \"general_meeting_sheet_ms\": {\"value\": %.1f, \"lines\": %u, \"target\": 150},\n"
          " \"all_member_rates_ms\": {\"value\": %.1f, \"members\": %u, \"target\": 200}}\n",
          N_MEMBERS, g_list_model_get_n_items (evg_calendar_get_meetings (calendar)),
          evg_store_count_rows (store, "attendance", NULL), load_ms,
          percentile (months, 0.5), percentile (months, 0.95), percentile (months, 1.0),
          percentile (years, 0.5), percentile (years, 1.0),
          sheet_ms, g_list_model_get_n_items (sheet),
          rates_ms, g_hash_table_size (rates));

  g_clear_object (&calendar);
  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
