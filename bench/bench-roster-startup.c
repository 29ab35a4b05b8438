/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up and memory of the real app with 100,000 members, against the
 * bare-window anchor (bench-bare-window), measured in the same run.
 *
 *   bench-roster-startup BARE_WINDOW_PROGRAM   prepare, run both 5 times, print JSON
 *   bench-roster-startup --app DATABASE        (internal) one timed start of the app
 *   bench-roster-startup --prepare DIR         only write DIR/roster.db, for profiling */
#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "evg-application.h"
#include "evg-bench-frame.h"
#include "evg-bench-members.h"
#include "evg-roster-page.h"
#include "evg-window.h"

#define N_MEMBERS 100000
#define N_RUNS    5

static void
after_paint (GdkFrameClock *clock,
             GtkWidget     *window)
{
  GObject *page = gtk_widget_get_template_child (window, EVG_TYPE_WINDOW, "roster_page");
  GObject *view = page != NULL ? gtk_widget_get_template_child (GTK_WIDGET (page), EVG_TYPE_ROSTER_PAGE, "column_view") : NULL;
  GtkWidget *list = view != NULL ? gtk_widget_get_last_child (GTK_WIDGET (view)) : NULL;

  /* The first frame that shows member rows, as in the anchor. */
  if (list == NULL || gtk_widget_get_first_child (list) == NULL || !gtk_widget_get_mapped (list))
    return;

  g_signal_handlers_disconnect_by_func (clock, after_paint, window);
  evg_bench_report ("roster");
  gtk_window_close (GTK_WINDOW (window));
}

static void
on_map (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint), window);
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window)
{
  if (EVG_IS_WINDOW (window))
    g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
}

static int
run_app (const char *database)
{
  g_autoptr(EvgApplication) app = evg_application_new ();
  char *argv[] = { (char *) "e-vanguard", (char *) "--database", (char *) database, NULL };

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  return g_application_run (G_APPLICATION (app), 3, argv);
}

/* Starts @argv with EVG_BENCH_T0 set and returns the JSON line it printed. */
static JsonObject *
timed_run (char       **argv,
           JsonParser  *parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *t0 = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "EVG_BENCH_T0", t0, TRUE);
  int status = 0;

  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  if (!g_spawn_sync (NULL, argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error) ||
      !json_parser_load_from_data (parser, out, -1, &error))
    g_error ("%s: %s", argv[0], error != NULL ? error->message : "no output");
  return json_node_get_object (json_parser_get_root (parser));
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *values)
{
  qsort (values, N_RUNS, sizeof (double), compare_doubles);
  return values[N_RUNS / 2];
}

/* Writes the roster's database into @dir and returns its path. */
static char *
prepare (const char *dir)
{
  g_autoptr(EvgStore) store = evg_bench_populate (dir, N_MEMBERS);

  /* A set-up branch opens on the roster rather than the welcome page. */
  evg_store_set_meta (store, "branch_name", "基准测试党支部", NULL);
  evg_store_set_meta (store, "branch_code", "BENCH", NULL);
  return g_strdup (evg_store_get_path (store));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *self = NULL;
  double bare_ms[N_RUNS], app_ms[N_RUNS], bare_rss[N_RUNS], app_rss[N_RUNS];

  if (argc == 3 && g_str_equal (argv[1], "--app"))
    return run_app (argv[2]);
  if (argc == 3 && g_str_equal (argv[1], "--prepare"))
    {
      g_free (prepare (argv[2]));
      return 0;
    }

  if (argc != 2 || g_getenv ("DISPLAY") == NULL)
    {
      g_printerr ("usage (under a display): %s BARE_WINDOW_PROGRAM\n", argv[0]);
      return 2;
    }

  dir = evg_bench_make_dir ();
  db = prepare (dir);

  self = g_canonicalize_filename (argv[0], NULL);
  for (guint i = 0; i < N_RUNS; i++)
    {
      g_autoptr(JsonParser) p1 = json_parser_new ();
      g_autoptr(JsonParser) p2 = json_parser_new ();
      char *bare_argv[] = { argv[1], NULL };
      char *app_argv[] = { self, (char *) "--app", db, NULL };
      JsonObject *bare = timed_run (bare_argv, p1);
      JsonObject *app = timed_run (app_argv, p2);

      bare_ms[i] = json_object_get_double_member (bare, "first_frame_ms");
      bare_rss[i] = json_object_get_int_member (bare, "rss_kib");
      app_ms[i] = json_object_get_double_member (app, "first_frame_ms");
      app_rss[i] = json_object_get_int_member (app, "rss_kib");
    }

  {
    double b = median (bare_ms), a = median (app_ms);
    double br = median (bare_rss), ar = median (app_rss);

    printf ("{\"benchmark\":\"roster-startup\",\"members\":%d,\"runs\":%d,"
            "\"bare_first_frame_ms\":%.1f,\"roster_first_frame_ms\":%.1f,\"ratio\":%.2f,\"target_ratio\":1.3,"
            "\"bare_rss_mib\":%.1f,\"roster_rss_mib\":%.1f,\"rss_delta_mib\":%.1f,\"target_delta_mib\":40}\n",
            N_MEMBERS, N_RUNS, b, a, a / b, br / 1024, ar / 1024, (ar - br) / 1024);
  }

  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  evg_bench_remove_dir (dir);
  return 0;
}
