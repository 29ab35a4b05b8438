/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "evg-field-set.h"
#include "evg-sync-client.h"
#include "evg-txn.h"

/* An incremental sync as the app does it, in process: 10 members change on
 * one workstation, it syncs, and a second workstation of the branch syncs
 * and has them.  Both clients run in this process against a real
 * e-vanguard-server on loopback, so no program start-up is counted.
 * Prints JSON: the median of 15 rounds. */

#define ROUNDS 15
#define CHANGES 10

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static EvgSyncReport *
sync_once (EvgSyncClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  EvgSyncReport *report;

  evg_sync_client_sync_async (client, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = evg_sync_client_sync_finish (client, result, &error);
  if (report == NULL)
    g_error ("sync failed: %s", error->message);
  return report;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("evg-bench-XXXXXX", NULL);
  g_autofree char *server_db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *path_a = g_build_filename (dir, "a.db", NULL);
  g_autofree char *path_b = g_build_filename (dir, "b.db", NULL);
  g_autofree char *token = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autoptr(EvgStore) a = NULL;
  g_autoptr(EvgStore) b = NULL;
  g_autoptr(EvgSyncClient) client_a = NULL;
  g_autoptr(EvgSyncClient) client_b = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GIOChannel) channel = NULL;
  double push_ms[ROUNDS], pull_ms[ROUNDS], total_ms[ROUNDS];
  const char *server = g_getenv ("EVG_SERVER");
  const char *add[] = { server, "branch", "add", "B001", "第一支部", "--database", server_db, NULL };
  const char *serve[] = { server, "serve", "--database", server_db, "--listen", "127.0.0.1:0", NULL };
  GPid pid;
  int out_fd, status;

  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  g_setenv ("EVG_TOKEN_STORE", "file", TRUE);

  if (!g_spawn_sync (NULL, (char **) add, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &token,
                     NULL, &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("branch add: %s", error->message);
  g_strstrip (token);
  if (!g_spawn_async_with_pipes (NULL, (char **) serve, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &pid, NULL, &out_fd, NULL, &error))
    g_error ("serve: %s", error->message);
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_read_line (channel, &line, NULL, NULL, NULL);
  url = g_strstrip (g_strdup (line + strlen ("listening on ")));

  a = evg_store_open (path_a, &error);
  b = evg_store_open (path_b, &error);
  g_assert_no_error (error);
  client_a = evg_sync_client_new (a);
  client_b = evg_sync_client_new (b);
  if (!evg_sync_client_configure (client_a, url, token, &error) ||
      !evg_sync_client_configure (client_b, url, token, &error))
    g_error ("configure: %s", error->message);

  {
    g_autoptr(EvgTxn) txn = evg_store_begin (a, &error);
    g_autoptr(EvgFieldSet) set = evg_field_set_new_for ("member");

    for (int i = 0; i < 1000; i++)
      {
        g_autofree char *name = g_strdup_printf ("党员%d", i);

        evg_field_set_clear (set);
        evg_field_set_set (set, "name", name);
        evg_field_set_set (set, "phone", "13800138000");
        g_ptr_array_add (ids, evg_txn_insert (txn, set, NULL, &error));
      }
    evg_txn_commit (txn, &error);
    g_assert_no_error (error);
  }
  g_free (sync_once (client_a));
  g_free (sync_once (client_b));

  for (int round = 0; round < ROUNDS; round++)
    {
      g_autoptr(EvgSyncReport) up = NULL;
      g_autoptr(EvgSyncReport) down = NULL;
      gint64 t0, t1, t2;

      for (int i = 0; i < CHANGES; i++)
        {
          g_autoptr(EvgTxn) txn = evg_store_begin (a, &error);
          g_autoptr(EvgFieldSet) set = evg_field_set_new_for ("member");
          g_autofree char *phone = g_strdup_printf ("139%08d", round * 100 + i);

          evg_field_set_set (set, "phone", phone);
          evg_txn_update (txn, g_ptr_array_index (ids, i), set, &error);
          evg_txn_commit (txn, &error);
          g_assert_no_error (error);
        }

      t0 = g_get_monotonic_time ();
      up = sync_once (client_a);
      t1 = g_get_monotonic_time ();
      down = sync_once (client_b);
      t2 = g_get_monotonic_time ();
      if (up->pushed != CHANGES || down->pulled != CHANGES)
        g_error ("round %d: pushed %u, pulled %u", round, up->pushed, down->pulled);
      push_ms[round] = (t1 - t0) / 1000.0;
      pull_ms[round] = (t2 - t1) / 1000.0;
      total_ms[round] = (t2 - t0) / 1000.0;
    }

  qsort (push_ms, ROUNDS, sizeof (double), compare_double);
  qsort (pull_ms, ROUNDS, sizeof (double), compare_double);
  qsort (total_ms, ROUNDS, sizeof (double), compare_double);
  printf ("{\"benchmark\": \"sync-incremental-in-process\", \"changes\": %d, \"rounds\": %d, "
          "\"push_ms_median\": %.1f, \"pull_ms_median\": %.1f, \"end_to_end_ms_median\": %.1f, "
          "\"end_to_end_ms_max\": %.1f}\n",
          CHANGES, ROUNDS, push_ms[ROUNDS / 2], pull_ms[ROUNDS / 2], total_ms[ROUNDS / 2],
          total_ms[ROUNDS - 1]);

  g_clear_object (&client_a);
  g_clear_object (&client_b);
  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  return 0;
}
