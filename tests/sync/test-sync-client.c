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
  argv[5] = data != NULL ? data : "127.0.0.1:0";
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

/* A resolver that knows one name, as this computer, and counts how often
 * it is asked: a sync that never looked the server up never connected. */
#define FAKE_SERVER_NAME "branch-server.example"

struct _EvgTestResolver
{
  GResolver  parent_instance;
  gint       lookups;
};

G_DECLARE_FINAL_TYPE (EvgTestResolver, evg_test_resolver, EVG, TEST_RESOLVER, GResolver)
G_DEFINE_FINAL_TYPE (EvgTestResolver, evg_test_resolver, G_TYPE_RESOLVER)

static GList *
evg_test_resolver_lookup_by_name_with_flags (GResolver                 *resolver,
                                             const char                *hostname,
                                             GResolverNameLookupFlags   flags,
                                             GCancellable              *cancellable,
                                             GError                   **error)
{
  EvgTestResolver *self = EVG_TEST_RESOLVER (resolver);

  g_atomic_int_inc (&self->lookups);
  if (g_strcmp0 (hostname, FAKE_SERVER_NAME) != 0 || (flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY))
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no address for %s", hostname);
      return NULL;
    }
  return g_list_prepend (NULL, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
}

static GList *
evg_test_resolver_lookup_by_name (GResolver     *resolver,
                                  const char    *hostname,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  return evg_test_resolver_lookup_by_name_with_flags (resolver, hostname,
                                                      G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                      cancellable, error);
}

static void
evg_test_resolver_lookup_by_name_with_flags_async (GResolver                *resolver,
                                                   const char               *hostname,
                                                   GResolverNameLookupFlags  flags,
                                                   GCancellable             *cancellable,
                                                   GAsyncReadyCallback       callback,
                                                   gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *addresses = evg_test_resolver_lookup_by_name_with_flags (resolver, hostname, flags,
                                                                  cancellable, &error);

  if (addresses == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
}

static void
evg_test_resolver_lookup_by_name_async (GResolver           *resolver,
                                        const char          *hostname,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  evg_test_resolver_lookup_by_name_with_flags_async (resolver, hostname,
                                                     G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                     cancellable, callback, user_data);
}

static GList *
evg_test_resolver_lookup_by_name_finish (GResolver     *resolver,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
evg_test_resolver_class_init (EvgTestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = evg_test_resolver_lookup_by_name;
  resolver_class->lookup_by_name_async = evg_test_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = evg_test_resolver_lookup_by_name_finish;
  resolver_class->lookup_by_name_with_flags = evg_test_resolver_lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = evg_test_resolver_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = evg_test_resolver_lookup_by_name_finish;
}

static void
evg_test_resolver_init (EvgTestResolver *self)
{
}

/* The one rule for a server address, as setup and every sync apply it. */
typedef enum
{
  URL_TAKEN,
  URL_IN_CLEAR,        /* refused: the token would cross the network unencrypted */
  URL_NOT_AN_ADDRESS,
} UrlVerdict;

static void
test_url_rule (void)
{
  static const struct {
    const char *url;
    UrlVerdict  verdict;
  } cases[] = {
    { "https://sync.example.org:8443", URL_TAKEN },
    { "https://192.0.2.2", URL_TAKEN },
    { "https://[fd00::2]:8443/", URL_TAKEN },
    { "http://127.0.0.1:8443", URL_TAKEN },
    { "http://127.8.9.10/", URL_TAKEN },
    { "http://[::1]:8443", URL_TAKEN },
    { "http://localhost:8080/", URL_TAKEN },
    { "http://LOCALHOST", URL_TAKEN },
    { "http://sync.example.org:8443", URL_IN_CLEAR },
    { "HTTP://sync.example.org", URL_IN_CLEAR },
    { "http://192.0.2.2:8443", URL_IN_CLEAR },
    { "http://[fd00::2]:8443", URL_IN_CLEAR },
    { "http://[::2]:8443", URL_IN_CLEAR },
    { "http://128.0.0.1", URL_IN_CLEAR },
    { "http://0.0.0.0:8443", URL_IN_CLEAR },
    { "http://localhost.example.org", URL_IN_CLEAR },
    { "http://127.0.0.1.example.org", URL_IN_CLEAR },
    { "http://127.0.0.1@sync.example.org/", URL_IN_CLEAR },
    { "", URL_NOT_AN_ADDRESS },
    { "sync.example.org", URL_NOT_AN_ADDRESS },
    { "ftp://sync.example.org", URL_NOT_AN_ADDRESS },
    { "https://", URL_NOT_AN_ADDRESS },
    { "http:///v1", URL_NOT_AN_ADDRESS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean taken = evg_sync_check_server_url (cases[i].url, &error);

      g_test_message ("“%s”", cases[i].url);
      g_assert_cmpint (taken, ==, cases[i].verdict == URL_TAKEN);
      if (taken)
        {
          g_assert_no_error (error);
          continue;
        }
      g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED);
      g_assert_nonnull (strstr (error->message, "https://"));
      g_assert_cmpint (strstr (error->message, "unencrypted") != NULL, ==, cases[i].verdict == URL_IN_CLEAR);
    }
  g_assert_false (evg_sync_check_server_url (NULL, NULL));
}

/* Plain http:// reaches a server on this computer by any of its names:
 * set up, tested and synced. */
static void
test_url_loopback (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, &error);
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  guint groups = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "http");
  g_ptr_array_add (urls, g_strdup (f->url));
  if (g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") == 0)
    g_ptr_array_add (urls, g_strdup_printf ("http://localhost:%d", g_uri_get_port (uri)));

  for (guint i = 0; i < urls->len; i++)
    {
      const char *url = g_ptr_array_index (urls, i);
      g_autoptr(GAsyncResult) tested = NULL;
      g_autoptr(GAsyncResult) synced = NULL;
      g_autoptr(EvgSyncReport) report = NULL;
      g_autofree char *code = NULL;
      g_autofree char *group = NULL;

      g_test_message ("%s", url);
      evg_sync_client_test_connection_async (f->client, url, f->token, NULL, on_result, &tested);
      g_assert_true (evg_sync_client_test_connection_finish (f->client, wait_result (&tested), &code,
                                                             NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, "A001");

      g_assert_true (evg_sync_client_configure (f->client, url, f->token, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (evg_sync_client_get_server_url (f->client), ==, url);
      group = insert_group (f, i == 0 ? "一组" : "二组");
      groups++;
      evg_sync_client_sync_async (f->client, NULL, on_result, &synced);
      report = evg_sync_client_sync_finish (f->client, wait_result (&synced), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (report->pushed, ==, 1);
      g_assert_cmpuint (evg_sync_client_get_pending_count (f->client), ==, 0);
    }
  g_assert_cmpuint (groups, ==, urls->len);
}

/* The token never goes to another computer over plain http://: setting
 * such an address up is refused, and one already stored (by an older
 * version, or by hand) stops every sync before the server is even looked
 * up. */
static void
test_url_in_clear_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GResolver) system_resolver = g_resolver_get_default ();
  g_autoptr(EvgTestResolver) resolver = g_object_new (evg_test_resolver_get_type (), NULL);
  g_autoptr(GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *in_clear = g_strdup_printf ("http://" FAKE_SERVER_NAME ":%d", g_uri_get_port (uri));
  g_autofree char *secure = g_strdup_printf ("https://" FAKE_SERVER_NAME ":%d", g_uri_get_port (uri));
  g_autoptr(GAsyncResult) tested = NULL;
  g_autoptr(GAsyncResult) tested_secure = NULL;
  g_autoptr(GAsyncResult) synced = NULL;
  g_autoptr(EvgSyncReport) report = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *group = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  /* The name leads to the real server here, so only the rule can stop a
   * sync to it. */
  g_resolver_set_default (G_RESOLVER (resolver));

  g_assert_true (evg_sync_client_configure (f->client, f->url, f->token, &error));
  g_assert_false (evg_sync_client_configure (f->client, in_clear, f->token, &error));
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "https://"));
  g_clear_error (&error);
  g_assert_cmpstr (evg_sync_client_get_server_url (f->client), ==, f->url);

  evg_sync_client_test_connection_async (f->client, in_clear, f->token, NULL, on_result, &tested);
  g_assert_false (evg_sync_client_test_connection_finish (f->client, wait_result (&tested), NULL,
                                                          NULL, &error));
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);
  g_assert_cmpint (g_atomic_int_get (&resolver->lookups), ==, 0);

  /* The address as an older version stored it. */
  g_assert_true (evg_store_set_meta (f->store, "sync_url", in_clear, &error));
  evg_sync_client_refresh (f->client);
  g_assert_cmpstr (evg_sync_client_get_server_url (f->client), ==, in_clear);
  group = insert_group (f, "一组");
  evg_sync_client_sync_async (f->client, NULL, on_result, &synced);
  report = evg_sync_client_sync_finish (f->client, wait_result (&synced), &error);
  g_assert_null (report);
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, in_clear));
  g_assert_nonnull (strstr (error->message, "https://"));
  g_clear_error (&error);
  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_ERROR);
  g_assert_nonnull (strstr (evg_sync_client_get_status_message (f->client), "https://"));
  g_assert_cmpuint (evg_sync_client_get_pending_count (f->client), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&resolver->lookups), ==, 0);

  /* The resolver is the one the client asks: an https:// address to the
   * same name is looked up.  The plain server never answers the TLS
   * handshake, so the test stops there. */
  evg_sync_client_test_connection_async (f->client, secure, f->token, cancellable, on_result,
                                         &tested_secure);
  while (g_atomic_int_get (&resolver->lookups) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (g_atomic_int_get (&resolver->lookups), >, 0);
  g_cancellable_cancel (cancellable);
  g_assert_false (evg_sync_client_test_connection_finish (f->client, wait_result (&tested_secure),
                                                          NULL, NULL, &error));
  g_clear_error (&error);

  g_resolver_set_default (system_resolver);
}

static void
on_sync_finished_count (EvgSyncClient *client,
                        gpointer       report,
                        const GError  *error,
                        guint         *count)
{
  (*count)++;
}

static void
spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE), g_usleep (10 * 1000);
}

/* The client's pause between a local change and its sync. */
#define DEBOUNCE_MS 2000

/* A failure that no retry can fix (here an address the client refuses)
 * with changes waiting is tried again on the next edit, not every two
 * seconds for ever. */
static void
test_no_retry_loop (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint finished = 0;

  g_assert_true (evg_store_set_meta (f->store, "sync_url", "http://sync.example.org:8443", &error));
  evg_sync_client_refresh (f->client);
  g_signal_connect (f->client, "sync-finished", G_CALLBACK (on_sync_finished_count), &finished);
  evg_sync_client_set_auto_sync (f->client, TRUE);

  first = insert_group (f, "一组");
  spin_for (3 * DEBOUNCE_MS + 1000);
  g_assert_cmpuint (finished, ==, 1);
  g_assert_cmpint (evg_sync_client_get_state (f->client), ==, EVG_SYNC_STATE_ERROR);

  second = insert_group (f, "二组");
  spin_for (2 * DEBOUNCE_MS);
  g_assert_cmpuint (finished, ==, 2);

  g_signal_handlers_disconnect_by_func (f->client, on_sync_finished_count, &finished);
  evg_sync_client_set_auto_sync (f->client, FALSE);
}

int
main (int    argc,
      char **argv)
{
  /* A proxy from the environment would hide whether the client looked
   * the server up itself. */
  g_unsetenv ("http_proxy");
  g_unsetenv ("https_proxy");
  g_unsetenv ("all_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("HTTPS_PROXY");
  g_unsetenv ("ALL_PROXY");
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
  g_test_add_func ("/evg/sync/client/url/rule", test_url_rule);
  g_test_add ("/evg/sync/client/url/loopback-ipv4", Fixture, "127.0.0.1:0", fixture_setup,
              test_url_loopback, fixture_teardown);
  g_test_add ("/evg/sync/client/url/loopback-ipv6", Fixture, "[::1]:0", fixture_setup,
              test_url_loopback, fixture_teardown);
  g_test_add ("/evg/sync/client/no-retry-loop", Fixture, NULL, fixture_setup, test_no_retry_loop,
              fixture_teardown);
  g_test_add ("/evg/sync/client/url/in-clear-refused", Fixture, NULL, fixture_setup,
              test_url_in_clear_refused, fixture_teardown);
  return g_test_run ();
}
