/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include "evg-bench-members.h"
#include "evg-checkins.h"
#include "evg-member.h"
#include "evg-pinyin.h"
#include "evg-store-private.h"

/* 吹哨报到's figures (issue #9) with 100,000 members and one million
 * check-ins (20,000 whistles of 50 members each, over one year):
 *   - a kiosk keystroke to its matches (evg_roster_search(), six shown):
 *     p95 ≤ 5 ms
 *   - a check-in from Enter to what the confirmation shows (the write,
 *     then the member's hours this year): ≤ 30 ms
 *   - the year's hours of every member: ≤ 1 s
 *   - the whistle list opens at the same cost as the roster
 * The check-ins are written straight into the table under their keyed
 * ids (the figures are about reading them); prints one JSON object. */

#define N_WHISTLES   20000
#define PER_WHISTLE  50
#define YEAR         2026

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static GPtrArray *
read_member_ids (sqlite3 *db)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  sqlite3_prepare_v2 (db, "SELECT id FROM member ORDER BY rowid", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return ids;
}

static void
fill (EvgStore  *store,
      GPtrArray *members)
{
  sqlite3 *db = evg_store_get_db (store);
  sqlite3_stmt *whistle, *checkin;
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  static const char * const categories[] = {
    "organisation", "legal", "assistance", "governance", "health", "culture", "safety", "other",
  };

  exec (db, "BEGIN");
  sqlite3_prepare_v2 (db, "INSERT INTO whistle (id, branch, hlc, field_hlc, title, category, starts_at, "
                          "ends_at, needed, urgency, status) "
                          "VALUES (?1, 'B001', '0', '{}', ?2, ?3, ?4, ?5, 50, 'normal', 'closed')",
                      -1, &whistle, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO checkin (id, branch, hlc, field_hlc, whistle_id, member_id, "
                          "reported_at, arrived_at, left_at, source, confirmed) "
                          "VALUES (?1, 'B001', '0', '{}', ?2, ?3, ?4, ?4, ?5, 'kiosk', 0)",
                      -1, &checkin, NULL);
  for (int w = 0; w < N_WHISTLES; w++)
    {
      char id[32], title[32], starts[20], ends[20];
      GDate day;

      g_date_clear (&day, 1);
      g_date_set_dmy (&day, 1, 1, YEAR);
      g_date_add_days (&day, (guint) (w % 330));
      g_snprintf (id, sizeof id, "w%05d", w);
      g_snprintf (title, sizeof title, "吹哨事项%05d", w);
      g_snprintf (starts, sizeof starts, "%04d-%02d-%02d 08:00", g_date_get_year (&day),
                  g_date_get_month (&day), g_date_get_day (&day));
      g_snprintf (ends, sizeof ends, "%.10s 12:00", starts);
      sqlite3_bind_text (whistle, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (whistle, 2, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (whistle, 3, categories[w % G_N_ELEMENTS (categories)], -1, SQLITE_STATIC);
      sqlite3_bind_text (whistle, 4, starts, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (whistle, 5, ends, -1, SQLITE_TRANSIENT);
      sqlite3_step (whistle);
      sqlite3_reset (whistle);
      for (int k = 0; k < PER_WHISTLE; k++)
        {
          const char *member = g_ptr_array_index (members, (guint) g_rand_int_range (rand, 0, (gint32) members->len));
          g_autofree char *checkin_id = evg_checkin_make_id (id, member);
          char arrived[20], left[20];
          int minutes = g_rand_int_range (rand, 0, 60);

          g_snprintf (arrived, sizeof arrived, "%.10s 08:%02d", starts, minutes);
          g_snprintf (left, sizeof left, "%.10s 11:%02d", starts, minutes);
          sqlite3_bind_text (checkin, 1, checkin_id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (checkin, 2, id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (checkin, 3, member, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (checkin, 4, arrived, -1, SQLITE_TRANSIENT);
          /* One in ten forgot to check out: counted up to the end. */
          if (k % 10 == 0)
            sqlite3_bind_null (checkin, 5);
          else
            sqlite3_bind_text (checkin, 5, left, -1, SQLITE_TRANSIENT);
          /* The same member twice on one whistle is one check-in. */
          if (sqlite3_step (checkin) != SQLITE_DONE)
            sqlite3_reset (checkin);
          sqlite3_reset (checkin);
        }
    }
  sqlite3_finalize (whistle);
  sqlite3_finalize (checkin);
  exec (db, "COMMIT");
  exec (db, "ANALYZE");
}

static double
percentile (GArray *ms,
            double  p)
{
  g_array_sort (ms, evg_bench_compare_doubles);
  return g_array_index (ms, double, MIN (ms->len - 1, (guint) (p * ms->len)));
}

static gint64
count (sqlite3    *db,
       const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;

  sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = evg_bench_make_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgCheckins) checkins = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GArray) keystroke_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) checkin_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GPtrArray) ranking = NULL;
  g_autoptr(EvgRecord) open = evg_record_new (&evg_whistle_table, NULL);
  g_autofree char *open_id = NULL;
  double t0, roster_s, whistles_s, hours_s, fill_s;
  gint64 n_checkins;

  /* EVG_BENCH_KEEP=DIR keeps the filled database there and reuses it:
   * filling takes a minute or two. */
  if (g_getenv ("EVG_BENCH_KEEP") != NULL)
    {
      g_autofree char *kept = g_build_filename (g_getenv ("EVG_BENCH_KEEP"), "roster.db", NULL);

      g_free (dir);
      dir = g_strdup (g_getenv ("EVG_BENCH_KEEP"));
      g_mkdir_with_parents (dir, 0700);
      if (g_file_test (kept, G_FILE_TEST_EXISTS))
        store = evg_store_open (kept, &error);
    }
  if (store == NULL)
    store = evg_bench_populate (dir, n);
  members = read_member_ids (evg_store_get_db (store));
  t0 = evg_bench_now ();
  if (count (evg_store_get_db (store), "SELECT count(*) FROM checkin") == 0)
    fill (store, members);
  /* A kept database loses the last run's open whistle and check-ins. */
  exec (evg_store_get_db (store), "DELETE FROM checkin WHERE whistle_id IN "
                                  "(SELECT id FROM whistle WHERE title = '防汛值守')");
  exec (evg_store_get_db (store), "DELETE FROM whistle WHERE title = '防汛值守'");
  fill_s = evg_bench_now () - t0;
  n_checkins = count (evg_store_get_db (store), "SELECT count(*) FROM checkin");
  fprintf (stderr, "filled %" G_GINT64_FORMAT " check-ins in %.1f s\n", n_checkins, fill_s);

  /* The roster as the window opens it, then the whistle list. */
  t0 = evg_bench_now ();
  roster = evg_roster_new (store, &error);
  if (roster == NULL)
    g_error ("%s", error->message);
  roster_s = evg_bench_now () - t0;
  t0 = evg_bench_now ();
  checkins = evg_checkins_new (store, &error);
  if (checkins == NULL)
    g_error ("%s", error->message);
  g_assert_cmpuint (g_list_model_get_n_items (evg_checkins_get_whistles (checkins)), ==, N_WHISTLES);
  /* The rows the list shows first, with their counts. */
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(EvgRecord) whistle = g_list_model_get_item (evg_checkins_get_whistles (checkins), i);

      evg_checkins_count_reported (checkins, evg_record_get_id (whistle));
    }
  whistles_s = evg_bench_now () - t0;

  /* Kiosk keystrokes: names typed letter by letter, in pinyin, initials
   * and characters. */
  for (guint q = 0; q < 200; q++)
    {
      const char *id = g_ptr_array_index (members, (guint) g_rand_int_range (rand, 0, (gint32) members->len));
      g_autoptr(EvgMember) member = evg_roster_lookup (roster, id);
      g_autoptr(GString) full = g_string_new (NULL);
      g_autoptr(GString) initials = g_string_new (NULL);
      const char *query;
      glong len;

      evg_pinyin_convert (evg_member_get_name (member), TRUE, full, initials);
      query = q % 3 == 0 ? full->str : q % 3 == 1 ? initials->str : evg_member_get_name (member);
      len = g_utf8_strlen (query, -1);
      for (glong i = 1; i <= len; i++)
        {
          g_autofree char *prefix = g_utf8_substring (query, 0, i);
          g_autoptr(GPtrArray) found = NULL;
          double ms;
          guint total;

          t0 = evg_bench_now ();
          found = evg_roster_search (roster, prefix, 6, &total);
          ms = (evg_bench_now () - t0) * 1000;
          g_array_append_val (keystroke_ms, ms);
        }
    }

  /* Check-ins at an open whistle: the write, the member's year, the
   * confirmation's figures. */
  evg_record_set (open, EVG_WHISTLE_TITLE, "防汛值守");
  evg_record_set (open, EVG_WHISTLE_CATEGORY, "safety");
  evg_record_set (open, EVG_WHISTLE_STARTS_AT, "2026-12-06 08:00");
  evg_record_set (open, EVG_WHISTLE_ENDS_AT, "2026-12-06 18:00");
  open_id = evg_checkins_save_whistle (checkins, open, &error);
  if (open_id == NULL)
    g_error ("%s", error->message);
  for (guint q = 0; q < 300; q++)
    {
      const char *id = g_ptr_array_index (members, (guint) g_rand_int_range (rand, 0, (gint32) members->len));
      g_auto(EvgCheckinResult) result = { 0 };
      double ms;

      t0 = evg_bench_now ();
      if (!evg_checkins_kiosk (checkins, open_id, id, "2026-12-06 09:00", &result, &error))
        g_error ("%s", error->message);
      ms = (evg_bench_now () - t0) * 1000;
      g_array_append_val (checkin_ms, ms);
    }

  t0 = evg_bench_now ();
  ranking = evg_checkins_year_hours (checkins, YEAR, "2026-12-06 12:00", &error);
  if (ranking == NULL)
    g_error ("%s", error->message);
  hours_s = evg_bench_now () - t0;

  printf ("{\"benchmark\":\"checkins\",\"members\":%u,\"whistles\":%d,\"checkins\":%" G_GINT64_FORMAT ","
          "\"keystrokes\":%u,\"keystroke_p50_ms\":%.3f,\"keystroke_p95_ms\":%.3f,\"keystroke_target_p95_ms\":5.0,"
          "\"checkin_p50_ms\":%.3f,\"checkin_p95_ms\":%.3f,\"checkin_max_ms\":%.3f,\"checkin_target_ms\":30.0,"
          "\"year_hours_s\":%.3f,\"year_hours_rows\":%u,\"year_hours_target_s\":1.0,"
          "\"roster_open_s\":%.3f,\"whistle_list_open_s\":%.3f}\n",
          n, N_WHISTLES, n_checkins, keystroke_ms->len,
          percentile (keystroke_ms, 0.50), percentile (keystroke_ms, 0.95),
          percentile (checkin_ms, 0.50), percentile (checkin_ms, 0.95), percentile (checkin_ms, 1.0),
          hours_s, ranking->len, roster_s, whistles_s);

  g_clear_pointer (&ranking, g_ptr_array_unref);
  g_clear_object (&checkins);
  g_clear_object (&roster);
  g_clear_object (&store);
  if (g_getenv ("EVG_BENCH_KEEP") == NULL)
    evg_bench_remove_dir (dir);
  return 0;
}
