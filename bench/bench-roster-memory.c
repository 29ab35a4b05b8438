/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resident memory of 100,000 members loaded through the roster's list
 * model, as the roster window holds them: the index, one list sorted by
 * name, and the rows a window shows made into objects.  Prints JSON. */
#include "config.h"

#include <malloc.h>

#include "evg-bench-members.h"
#include "evg-member-list.h"

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = evg_bench_make_dir ();
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgMemberList) list = NULL;
  long before, after_store, after_roster, after_scroll;
  double start, load;

  /* Populate in a child-free way, then start over with a fresh connection
   * so the import's memory is not counted. */
  store = evg_bench_populate (dir, n);
  db = g_strdup (evg_store_get_path (store));
  g_clear_object (&store);
  malloc_trim (0);

  before = evg_bench_rss_kib_now ();
  store = evg_store_open (db, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  after_store = evg_bench_rss_kib_now ();

  start = evg_bench_now ();
  roster = evg_roster_new (store, &error);
  if (roster == NULL)
    g_error ("%s", error->message);
  list = evg_member_list_new (roster);
  load = evg_bench_now () - start;
  after_roster = evg_bench_rss_kib_now ();

  /* Scroll through the whole list as a view would, a screen at a time. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i += 37)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  evg_member_list_set_search_text (list, "zh");
  evg_member_list_set_search_text (list, NULL);
  after_scroll = evg_bench_rss_kib_now ();

  printf ("{\"benchmark\":\"roster-memory\",\"members\":%u,\"shown\":%u,\"load_s\":%.3f,"
          "\"rss_before_kib\":%ld,\"rss_store_open_kib\":%ld,\"rss_roster_loaded_kib\":%ld,"
          "\"rss_after_scrolling_kib\":%ld,\"roster_delta_kib\":%ld,\"target_delta_kib\":%d}\n",
          n, g_list_model_get_n_items (G_LIST_MODEL (list)), load, before, after_store,
          after_roster, after_scroll, after_scroll - after_store, 40 * 1024);

  g_clear_object (&list);
  g_clear_object (&roster);
  g_clear_object (&store);
  evg_bench_remove_dir (dir);
  return 0;
}
