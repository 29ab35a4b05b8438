/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "evg-field-set.h"
#include "evg-store-private.h"
#include "evg-sync-client.h"
#include "evg-sync-protocol.h"
#include "evg-txn.h"
#include "../evg-test-util.h"

/* EvgSyncClient as the app uses it, against a real e-vanguard-server
 * process on loopback: properties, the automatic sync after a local change,
 * never two syncs at once, the connection test, and conflicts. */

typedef struct
{
  char          *dir;
  GPid           server_pid;
  char          *url;
  char          *token;
  EvgStore      *store;
  EvgSyncClient *client;
} Fixture;

static char *
run_admin (Fixture    *f,
           const char *db,
           const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("EVG_SERVER"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, (gpointer) db);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (out);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_db = NULL;
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;
  const char *add[] = { "branch", "add", "A001", "第一支部", NULL };
  const char *argv[8];
  g_autoptr(GIOChannel) channel = NULL;
  int out_fd;

  f->dir = evg_test_make_dir ();
  g_setenv ("XDG_CONFIG_HOME", f->dir, TRUE);
  g_setenv ("EVG_TOKEN_STORE", "file", TRUE);
  g_setenv ("EVG_SYNC_RETRIES", "1", TRUE);
  server_db = g_build_filename (f->dir, "server.db", NULL);
  f->token = run_admin (f, server_db, add);

  argv[0] = g_getenv ("EVG_SERVER");
  argv[1] = "serve";
  argv[2] = "--database";
  argv[3] = server_db;
  argv[4] = "--listen";
  argv[5] = "127.0.0.1:0";
  argv[6] = NULL;
  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &f->server_pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_read_line (channel, &line, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (line, "listening on http://"));
  f->url = g_strstrip (g_strdup (line + strlen ("listening on ")));

  path = g_build_filename (f->dir, "client.db", NULL);
  f->store = evg_store_open (path, &error);
  g_assert_no_error (error);
  f->client = evg_sync_client_new (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  evg_test_wait_for_workers (f->client);
  g_assert_finalize_object (f->client);
  g_assert_finalize_object (f->store);
  kill (f->server_pid, SIGTERM);
  waitpid (f->server_pid, NULL, 0);
  g_spawn_close_pid (f->server_pid);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->url);
  g_free (f->token);
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static char *
insert_group (Fixture    *f,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
  g_autoptr(EvgFieldSet) set = evg_field_set_new_for ("party_group");
  char *id;

  evg_field_set_set (set, "name", name);
  id = evg_txn_insert (txn, set, NULL, &error);
  g_assert_no_error (error);
  evg_txn_commit (txn, &error);
  g_assert_no_error (error);
  return id;
}

/* A client for a program with a main loop reads the state in a worker:
 * it starts with nothing waiting and then shows what the database holds,
 * the last run's failure included. */
static void
test_deferred (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncClient) deferred = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_true (evg_sync_client_configure (f->client, f->url, f->token, &error));
  g_free (insert_group (f, "一组"));
  g_free (insert_group (f, "二组"));

  deferred = evg_sync_client_new_deferred (f->store);
  g_assert_cmpuint (evg_sync_client_get_pending_count (deferred), ==, 0);
  while (evg_sync_client_get_pending_count (deferred) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (evg_sync_client_get_pending_count (deferred), ==, 2);
  g_assert_true (evg_sync_client_get_configured (deferred));
  g_assert_cmpint (evg_sync_client_get_state (deferred), ==, EVG_SYNC_STATE_NEVER_SYNCED);

  evg_test_wait_for_workers (deferred);
  g_assert_finalize_object (g_steal_pointer (&deferred));
}

static void
test_states (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncReport) report = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autofree char *id = NULL;

  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_NOT_CONFIGURED);
  g_assert_false (evg_sync_client_get_configured (f->client));

  evg_sync_client_configure (f->client, "ftp://nowhere", f->token, &error);
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);
  g_assert_true (evg_sync_client_configure (f->client, f->url, f->token, &error));
  g_assert_no_error (error);
  g_assert_true (evg_sync_client_get_configured (f->client));
  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_NEVER_SYNCED);

  id = insert_group (f, "一组");
  g_assert_cmpuint (evg_sync_client_get_pending_count (f->client), ==, 1);

  /* Two at once: the second is refused, never run beside the first. */
  evg_sync_client_sync_async (f->client, NULL, on_result, &first);
  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_SYNCING);
  evg_sync_client_sync_async (f->client, NULL, on_result, &second);
  g_assert_null (evg_sync_client_sync_finish (f->client, wait_result (&second), &error));
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BUSY);
  g_clear_error (&error);

  report = evg_sync_client_sync_finish (f->client, wait_result (&first), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->pushed, ==, 1);
  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpuint (evg_sync_client_get_pending_count (f->client), ==, 0);
  g_assert_cmpint (evg_sync_client_get_last_synced (f->client), >, 0);
  g_assert_cmpstr (evg_sync_client_get_status_message (f->client), ==, "Up to date");
  g_assert_null (evg_sync_client_get_error_hint (f->client));

  /* A change made now waits until the next sync. */
  g_free (insert_group (f, "二组"));
  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_PENDING);
}

static void
on_store_changed (EvgStore   *store,
                  const char *table,
                  GPtrArray  *ids,
                  GPtrArray  *seen)
{
  g_ptr_array_add (seen, g_strdup_printf ("%s@%" G_GUINT64_FORMAT, table,
                                          evg_store_get_change_serial (store)));
}

/* Rows another device made reach this one's listeners as one change of
 * every table they touched: a roster then reads its members once, not
 * once for the members and again for their party groups. */
static void
test_pull_announced_once (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr(EvgStore) other = evg_store_open (path, &error);
  g_autoptr(EvgSyncClient) other_client = NULL;
  g_autoptr(EvgSyncReport) report = NULL;
  GAsyncResult *result = NULL;

  g_assert_no_error (error);
  other_client = evg_sync_client_new (other);
  g_assert_true (evg_sync_client_configure (other_client, f->url, f->token, &error));
  g_assert_true (evg_sync_client_configure (f->client, f->url, f->token, &error));
  {
    g_autoptr(EvgTxn) txn = evg_store_begin (other, &error);
    g_autoptr(EvgFieldSet) group = evg_field_set_new_for ("party_group");
    g_autoptr(EvgFieldSet) member = evg_field_set_new_for ("member");
    g_autofree char *group_id = NULL;

    evg_field_set_set (group, "name", "一组");
    group_id = evg_txn_insert (txn, group, NULL, &error);
    g_assert_no_error (error);
    evg_field_set_set (member, "name", "张三");
    evg_field_set_set (member, "party_group_id", group_id);
    g_free (evg_txn_insert (txn, member, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (evg_txn_commit (txn, &error));
  }
  evg_sync_client_sync_async (other_client, NULL, on_result, &result);
  report = evg_sync_client_sync_finish (other_client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_clear_pointer (&report, evg_sync_report_free);

  g_signal_connect (f->store, "changed", G_CALLBACK (on_store_changed), seen);
  evg_sync_client_sync_async (f->client, NULL, on_result, &result);
  report = evg_sync_client_sync_finish (f->client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_signal_handlers_disconnect_by_func (f->store, on_store_changed, seen);

  g_assert_cmpuint (report->pulled, ==, 2);
  g_assert_cmpuint (seen->len, ==, 2);
  {
    const char *a = g_ptr_array_index (seen, 0), *b = g_ptr_array_index (seen, 1);

    /* The same serial after each table's name. */
    g_assert_cmpstr (strchr (a, '@'), ==, strchr (b, '@'));
    g_assert_true ((g_str_has_prefix (a, "member@") && g_str_has_prefix (b, "party_group@")) ||
                   (g_str_has_prefix (a, "party_group@") && g_str_has_prefix (b, "member@")));
  }
  evg_test_wait_for_workers (other_client);
}

static void
on_notify_state (EvgSyncClient *client,
                 GParamSpec    *pspec,
                 GArray        *states)
{
  EvgSyncState state = evg_sync_client_get_state (client);

  g_array_append_val (states, state);
}

static void
test_auto_sync (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (EvgSyncState));
  gint64 deadline;

  g_assert_true (evg_sync_client_configure (f->client, f->url, f->token, &error));
  g_signal_connect (f->client, "notify::state", G_CALLBACK (on_notify_state), states);
  evg_sync_client_set_auto_sync (f->client, TRUE);

  /* A local change starts a sync by itself, after a short pause. */
  g_free (insert_group (f, "一组"));
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((evg_sync_client_get_state (f->client) != EVG_SYNC_STATE_UP_TO_DATE ||
          evg_sync_client_get_pending_count (f->client) > 0) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpuint (states->len, >=, 2);
  g_assert_cmpint (g_array_index (states, EvgSyncState, states->len - 2), ==, EVG_SYNC_STATE_SYNCING);
  g_signal_handlers_disconnect_by_func (f->client, on_notify_state, states);
  evg_sync_client_set_auto_sync (f->client, FALSE);
}

static void
test_connection (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) ok = NULL;
  g_autoptr(GAsyncResult) bad = NULL;
  g_autoptr(GAsyncResult) offline = NULL;
  g_autofree char *code = NULL;
  g_autofree char *name = NULL;

  evg_sync_client_test_connection_async (f->client, f->url, f->token, NULL, on_result, &ok);
  g_assert_true (evg_sync_client_test_connection_finish (f->client, wait_result (&ok), &code,
                                                         &name, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "A001");
  g_assert_cmpstr (name, ==, "第一支部");

  evg_sync_client_test_connection_async (f->client, f->url, "evg_wrong", NULL, on_result, &bad);
  g_assert_false (evg_sync_client_test_connection_finish (f->client, wait_result (&bad), NULL,
                                                          NULL, &error));
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_UNAUTHORIZED);
  g_assert_nonnull (evg_sync_error_get_hint (error));
  g_clear_error (&error);

  evg_sync_client_test_connection_async (f->client, "http://127.0.0.1:1", f->token, NULL,
                                         on_result, &offline);
  g_assert_false (evg_sync_client_test_connection_finish (f->client, wait_result (&offline),
                                                          NULL, NULL, &error));
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK);
}

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(EvgSyncReport) report = NULL;

  g_assert_true (evg_sync_client_configure (f->client, "http://127.0.0.1:1", f->token, &error));
  g_free (insert_group (f, "一组"));
  evg_sync_client_sync_async (f->client, NULL, on_result, &result);
  report = evg_sync_client_sync_finish (f->client, wait_result (&result), &error);
  g_assert_null (report);
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK);
  /* Offline is a normal state with a hint, and nothing is lost. */
  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_OFFLINE);
  g_assert_nonnull (evg_sync_client_get_error_hint (f->client));
  g_assert_cmpuint (evg_sync_client_get_pending_count (f->client), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/evg/sync/client/states", Fixture, NULL, fixture_setup, test_states, fixture_teardown);
  g_test_add ("/evg/sync/client/pull-announced-once", Fixture, NULL, fixture_setup,
              test_pull_announced_once, fixture_teardown);
  g_test_add ("/evg/sync/client/deferred", Fixture, NULL, fixture_setup, test_deferred,
              fixture_teardown);
  g_test_add ("/evg/sync/client/auto-sync", Fixture, NULL, fixture_setup, test_auto_sync,
              fixture_teardown);
  g_test_add ("/evg/sync/client/test-connection", Fixture, NULL, fixture_setup, test_connection,
              fixture_teardown);
  g_test_add ("/evg/sync/client/offline", Fixture, NULL, fixture_setup, test_offline,
              fixture_teardown);
  return g_test_run ();
}
