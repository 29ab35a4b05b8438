/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Search latency over 100,000 members: the time from a keystroke
 * (evg_member_list_set_search_text) to the list model having emitted
 * items-changed, for text typed a character at a time and deleted again:
 * names, pinyin, initials, phone and ID number fragments.  Prints JSON. */
#include "config.h"

#include "evg-bench-members.h"
#include "evg-member-list.h"
#include "evg-pinyin.h"

typedef struct
{
  GArray *model_ms;   /* per keystroke: the model updated */
  GArray *rows_ms;    /* the same plus the first 40 rows made, as a view would */
} Samples;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  guint i;

  g_array_sort (values, compare_doubles);
  i = (guint) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, i);
}

static void
keystroke (EvgMemberList *list,
           const char    *text,
           Samples       *s)
{
  double start = evg_bench_now (), model, rows;
  guint n;

  evg_member_list_set_search_text (list, text);
  model = (evg_bench_now () - start) * 1000;
  n = MIN (40, g_list_model_get_n_items (G_LIST_MODEL (list)));
  for (guint i = 0; i < n; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  rows = (evg_bench_now () - start) * 1000;
  g_array_append_val (s->model_ms, model);
  g_array_append_val (s->rows_ms, rows);
}

/* Types @query one character at a time, then deletes it the same way. */
static void
type_and_delete (EvgMemberList *list,
                 const char    *query,
                 Samples       *s)
{
  glong len = g_utf8_strlen (query, -1);

  for (glong i = 1; i <= len; i++)
    {
      g_autofree char *prefix = g_utf8_substring (query, 0, i);

      keystroke (list, prefix, s);
    }
  for (glong i = len - 1; i >= 0; i--)
    {
      g_autofree char *prefix = g_utf8_substring (query, 0, i);

      keystroke (list, prefix, s);
    }
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
  g_autoptr(EvgMemberList) list = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GArray) paste_ms = g_array_new (FALSE, FALSE, sizeof (double));
  Samples s = { g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)) };
  guint kinds[5] = { 0 };
  double start, load;

  store = evg_bench_populate (dir, n);
  start = evg_bench_now ();
  roster = evg_roster_new (store, &error);
  if (roster == NULL)
    g_error ("%s", error->message);
  list = evg_member_list_new (roster);
  load = evg_bench_now () - start;

  for (guint q = 0; q < 300; q++)
    {
      g_autoptr(EvgMember) m = g_list_model_get_item (G_LIST_MODEL (list),
                                                      (guint) g_rand_int_range (rand, 0, (gint32) n));
      g_autoptr(GString) full = g_string_new (NULL);
      g_autoptr(GString) initials = g_string_new (NULL);
      g_autofree char *query = NULL;
      guint kind = q % 5;

      evg_pinyin_convert (evg_member_get_name (m), TRUE, full, initials);
      switch (kind)
        {
        case 0:
          query = g_strdup (full->str);
          break;
        case 1:
          query = g_strdup (initials->str);
          break;
        case 2:
          query = g_strdup (evg_member_get_name (m));
          break;
        case 3:
          query = g_strndup (evg_member_get (m, EVG_MEMBER_PHONE) + 5, 6);
          break;
        default:
          query = g_strndup (evg_member_get_id_number (m) + 6, 8);
          break;
        }
      kinds[kind]++;
      type_and_delete (list, query, &s);

      /* A pasted query cannot narrow an earlier result: a full scan. */
      {
        double t0 = evg_bench_now (), ms;

        evg_member_list_set_search_text (list, query);
        ms = (evg_bench_now () - t0) * 1000;
        g_array_append_val (paste_ms, ms);
        evg_member_list_set_search_text (list, NULL);
      }
    }

  printf ("{\"benchmark\":\"roster-search\",\"members\":%u,\"roster_load_s\":%.3f,"
          "\"keystrokes\":%u,\"queries\":{\"pinyin\":%u,\"initials\":%u,\"hanzi\":%u,\"phone\":%u,\"id_number\":%u},"
          "\"model_p50_ms\":%.3f,\"model_p95_ms\":%.3f,\"model_p99_ms\":%.3f,\"model_max_ms\":%.3f,"
          "\"with_40_rows_p95_ms\":%.3f,\"paste_p50_ms\":%.3f,\"paste_p95_ms\":%.3f,\"target_p95_ms\":5.0}\n",
          n, load, s.model_ms->len, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4],
          percentile (s.model_ms, 0.50), percentile (s.model_ms, 0.95),
          percentile (s.model_ms, 0.99), percentile (s.model_ms, 1.0),
          percentile (s.rows_ms, 0.95), percentile (paste_ms, 0.50), percentile (paste_ms, 0.95));

  g_array_unref (s.model_ms);
  g_array_unref (s.rows_ms);
  g_clear_object (&list);
  g_clear_object (&roster);
  g_clear_object (&store);
  evg_bench_remove_dir (dir);
  return 0;
}
