/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>

#include "evg-hlc.h"
#include "evg-store-private.h"
#include "evg-sync-client-private.h"
#include "evg-sync-http.h"
#include <json-glib/json-glib.h>

#include "evg-sync-job.h"
#include "evg-sync-private.h"
#include "evg-sync-protocol.h"
#include "evg-sync-token.h"

/* A job copies what it needs from the client on the main thread, so that
 * the worker never touches the client or the main thread's connection:
 * it opens the database again by its path, and sends progress back to the
 * client's main context. */

typedef struct
{
  EvgSyncClient *client;
  double         progress;
} Progress;

/* Lets the sync tests kill the client at an exact step (EVG_FAILPOINT). */
void
evg_sync_failpoint (const char *name)
{
  const char *wanted = g_getenv ("EVG_FAILPOINT");

  if (wanted != NULL && g_strcmp0 (wanted, name) == 0)
    raise (SIGKILL);
}

EvgSyncJob *
evg_sync_job_new (EvgSyncClient *client)
{
  EvgSyncJob *job = g_new0 (EvgSyncJob, 1);
  EvgStore *store = evg_sync_client_get_store (client);

  job->client = g_object_ref (client);
  job->database = g_strdup (evg_store_get_path (store));
  job->site_id = g_strdup (evg_store_get_site_id (store));
  job->context = g_main_context_ref_thread_default ();
  job->changed_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return job;
}

void
evg_sync_job_free (EvgSyncJob *job)
{
  g_clear_object (&job->client);
  g_free (job->database);
  g_free (job->site_id);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_pointer (&job->changed_tables, g_hash_table_unref);
  g_free (job->url);
  if (job->token != NULL)
    explicit_bzero (job->token, strlen (job->token));
  g_free (job->token);
  g_free (job->branch_code);
  g_free (job->branch_name);
  g_free (job);
}

static gboolean
deliver_progress (gpointer data)
{
  Progress *p = data;

  evg_sync_client_set_progress (p->client, p->progress);
  g_object_unref (p->client);
  g_free (p);
  return G_SOURCE_REMOVE;
}

static void
report_progress (EvgSyncJob *job,
                 double      progress)
{
  Progress *p = g_new0 (Progress, 1);

  p->client = g_object_ref (job->client);
  p->progress = progress;
  g_main_context_invoke (job->context, deliver_progress, p);
}

/* The whole sync, blocking: push every pending change, then pull every
 * page.  Push goes first so that the merge of pulled changes sees this
 * replica's edits already confirmed, and a restored server learns them. */
/* Sends the public page's settings a feature keeps for the server
 * (EVG_SYNC_META_PAGE_SETTINGS) when this server has not taken them yet.
 * A server that cannot take them now, or is too old to, gets them again at
 * the next sync: nothing else of the sync depends on them.  Settings
 * changed while they were on their way differ from what is marked sent,
 * and go at the next sync. */
static void
send_page_settings (EvgStore    *store,
                    EvgSyncHttp *http,
                    const char  *url)
{
  g_autofree char *settings = evg_store_get_meta (store, EVG_SYNC_META_PAGE_SETTINGS);
  g_autofree char *sent = NULL;
  g_autofree char *now = NULL;
  g_autoptr(GString) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (settings == NULL)
    return;
  sent = evg_store_get_meta (store, EVG_SYNC_META_PAGE_SETTINGS_SENT);
  now = g_strconcat (url, "\n", settings, NULL);
  if (g_strcmp0 (sent, now) == 0)
    return;
  body = g_string_new (settings);
  bytes = evg_sync_http_call (http, "POST", "/v1/page", body, FALSE, &error);
  if (bytes == NULL)
    {
      g_message ("The server did not take the public page's settings: %s", error->message);
      return;
    }
  if (!evg_store_set_meta (store, EVG_SYNC_META_PAGE_SETTINGS_SENT, now, &error))
    g_message ("Could not note that the public page's settings were sent: %s", error->message);
}

static gboolean
run_sync (EvgSyncJob    *job,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) next_body = g_string_new (NULL);
  g_autofree char *batch_id = NULL;
  g_auto(EvgSyncHttp) http = { 0 };
  g_auto(EvgSyncHttpCall) ahead = { 0 };   /* after http: it is cleared first */
  guint n = 0;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *site = NULL;
  g_autofree char *known = NULL;
  guint resyncs = 0;
  gboolean rebased = FALSE, full_pages = FALSE, known_read = FALSE;
  gint64 total;

  store = evg_store_open (job->database, error);
  if (store == NULL)
    return FALSE;
  /* A first sync moves the whole database: a cache bigger than SQLite's
   * 2 MB spares rereads, but not one of 64 MB, which a first sync spent
   * more on filling (allocating and faulting in fresh memory) than it
   * saved.  Most pages it writes are the tails of b-trees keyed by time. */
  evg_store_exec (store, "PRAGMA cache_size = -16384", NULL);

  url = evg_store_get_meta (store, "sync_url");
  if (url == NULL)
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                   _("No sync server is set up."));
      return FALSE;
    }
  /* The stored address may predate the rule or have been edited by hand:
   * check it before the token is even read. */
  if (!evg_sync_check_server_url (url, error))
    return FALSE;
  token = evg_sync_token_load (evg_store_get_site_id (store), NULL);
  if (token == NULL)
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                   _("No sync server is set up."));
      return FALSE;
    }
  evg_sync_http_init (&http, url, token, cancellable);
  site = g_uri_escape_string (evg_store_get_site_id (store), NULL, FALSE);

again:
  g_clear_pointer (&known, g_free);
  known_read = FALSE;
  total = MAX (1, evg_store_count_pending (store));
  g_clear_pointer (&batch_id, g_free);
  if (!evg_sync_take_batch (store, EVG_SYNC_CLIENT_BATCH, NULL, &batch_id, body, &n, error))
    return FALSE;
  for (guint sent = 0; n > 0; )
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(EvgSyncPushResponse) response = NULL;
      g_autofree char *next_id = NULL;
      guint next_n = 0;
      g_autoptr(GBytes) bytes = NULL;
      gboolean taken;
      gsize len = 0;
      const char *data;

      /* While the server works on this batch, the next one is made, and
       * it goes out as soon as this one is answered, before the answer is
       * written down: the client's and the server's work overlap instead
       * of taking turns.  Batches still reach the server one by one, in
       * order, and an answer not yet written down only means its batch
       * is sent again after a crash, which the server answers from its
       * record of the batch. */
      if (ahead.thread == NULL)
        {
          evg_sync_failpoint ("client-push-before-send");
          evg_sync_http_call_start (&ahead, &http, "POST", g_strdup ("/v1/push"), body);
        }
      taken = evg_sync_take_batch (store, EVG_SYNC_CLIENT_BATCH, batch_id, &next_id, next_body,
                                   &next_n, error);
      bytes = evg_sync_http_call_finish (&ahead, &local_error);
      if (!taken)
        return FALSE;

      if (bytes == NULL)
        {
          if (g_error_matches (local_error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_RESYNC) && resyncs++ < 3)
            {
              if (!evg_sync_begin_resync (store, http.resync_epoch, error))
                return FALSE;
              goto again;
            }
          /* The clock was ahead when these changes were made but is right
           * now: give them clocks from now on and send them again. */
          if (g_error_matches (local_error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_CLOCK_SKEW) &&
              http.server_time > 0 && !rebased &&
              evg_hlc_wall_ms () <= http.server_time + EVG_SYNC_MAX_SKEW_MS / 2)
            {
              rebased = TRUE;
              if (evg_sync_rebase_clocks (store, http.server_time, error) < 0)
                return FALSE;
              goto again;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      evg_sync_failpoint ("client-push-before-ack");
      if (next_n > 0)
        {
          evg_sync_failpoint ("client-push-before-send");
          evg_sync_http_call_start (&ahead, &http, "POST", g_strdup ("/v1/push"), next_body);
        }
      data = g_bytes_get_data (bytes, &len);
      response = evg_sync_push_response_parse (data, len, error);
      if (response == NULL ||
          !evg_sync_ack_batch (store, batch_id, response, &job->report, error))
        return FALSE;
      sent += n;
      report_progress (job, 0.5 * MIN (1.0, (double) sent / (double) total));

      g_free (batch_id);
      batch_id = g_steal_pointer (&next_id);
      n = next_n;
      {
        GString *swap = body;

        body = next_body;
        next_body = swap;
      }
    }

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(EvgSyncPullResponse) page = NULL;
      g_auto(EvgSyncStateInfo) info = { 0 };
      g_autofree char *path = NULL;
      g_autofree char *epoch = NULL;
      gsize len = 0;
      const char *data;

      if (!evg_sync_read_state (store, &info, error))
        return FALSE;
      epoch = info.epoch != NULL ? g_uri_escape_string (info.epoch, NULL, FALSE) : NULL;
      if (!known_read)
        {
          /* Read once: pulling only ever drops ranges it has passed. */
          known = evg_sync_known_ranges (store, info.pull_cursor);
          known_read = TRUE;
        }
      path = evg_sync_http_pull_path (info.pull_cursor, epoch, full_pages ? NULL : site, known);

      /* The page fetched while the last one was applied, if it is the one
       * wanted now. */
      if (ahead.thread != NULL && g_strcmp0 (ahead.path, path) == 0)
        bytes = evg_sync_http_call_finish (&ahead, &local_error);
      else
        {
          evg_sync_http_call_discard (&ahead);
          bytes = evg_sync_http_call (&http, "GET", path, NULL, TRUE, &local_error);
        }
      if (bytes == NULL)
        {
          if (g_error_matches (local_error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_RESYNC) && resyncs++ < 3)
            {
              if (!evg_sync_begin_resync (store, http.resync_epoch, error))
                return FALSE;
              goto again;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      data = g_bytes_get_data (bytes, &len);
      page = evg_sync_pull_response_parse (data, len, error);
      if (page == NULL)
        return FALSE;
      if (page->next < info.pull_cursor)
        {
          g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE,
                       _("The server answered with a cursor that goes backwards."));
          return FALSE;
        }
      if (page->has_more)
        evg_sync_http_call_start (&ahead, &http, "GET",
                                  evg_sync_http_pull_path (page->next, epoch,
                                                           full_pages ? NULL : site, known),
                                  NULL);
      if (!evg_sync_apply_pull (store, page, &job->report, job->changed_tables, &local_error))
        {
          if (g_error_matches (local_error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_UNKNOWN_STUB) &&
              !full_pages)
            {
              full_pages = TRUE;
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      report_progress (job, page->has_more ? 0.75 : 1.0);
      if (!page->has_more)
        break;
    }

  send_page_settings (store, &http, url);
  return evg_sync_record_result (store, TRUE, NULL, error);
}

/* A GTaskThreadFunc: the task returns an EvgSyncReport. */
void
evg_sync_job_run_sync (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  EvgSyncJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (!run_sync (job, cancellable, &error))
    {
      g_autoptr(EvgStore) store = evg_store_open (job->database, NULL);

      /* Kept in the database, so `sync status` and the next start show it. */
      if (store != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* The code goes first so the next start can tell offline from error. */
          g_autofree char *text = g_strdup_printf ("%d:%s", error->domain == EVG_SYNC_ERROR
                                                   ? error->code : EVG_SYNC_ERROR_FAILED,
                                                   error->message);

          evg_sync_record_result (store, FALSE, text, NULL);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, evg_sync_report_copy (&job->report),
                         (GDestroyNotify) evg_sync_report_free);
}

/* Readies @http for a call of the job's own (the connection test, the
 * public page's setting) with the address and token it was given, or
 * the stored token; without them @task returns the error. */
static gboolean
start_call (EvgSyncJob   *job,
            GTask        *task,
            GCancellable *cancellable,
            EvgSyncHttp  *http)
{
  if (job->token == NULL)
    job->token = evg_sync_token_load (job->site_id, NULL);
  if (job->url == NULL || job->token == NULL)
    {
      g_task_return_new_error (task, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                               "%s", _("Enter the server address and the token."));
      return FALSE;
    }
  evg_sync_http_init (http, job->url, job->token, cancellable);
  return TRUE;
}

/* A GTaskThreadFunc: asks the server's /v1/health once and leaves the
 * branch the token belongs to on the job. */
void
evg_sync_job_run_test (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  EvgSyncJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EvgSyncHealth) health = NULL;
  g_auto(EvgSyncHttp) http = { 0 };
  const char *data;
  gsize len = 0;

  if (!start_call (job, task, cancellable, &http))
    return;
  bytes = evg_sync_http_call (&http, "GET", "/v1/health", NULL, FALSE, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  health = evg_sync_health_parse (data, len, NULL);
  if (health == NULL)
    {
      g_task_return_new_error (task, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE, "%s",
                               _("The address does not lead to an E-Vanguard server."));
      return;
    }
  if (health->protocol < EVG_SYNC_MIN_PROTOCOL)
    {
      g_task_return_new_error (task, EVG_SYNC_ERROR, EVG_SYNC_ERROR_SERVER_TOO_OLD,
                               _("The server (version %s) is too old for this version of E-Vanguard."),
                               health->version);
      return;
    }
  if (health->min_protocol > EVG_SYNC_PROTOCOL_VERSION)
    {
      g_task_return_new_error (task, EVG_SYNC_ERROR, EVG_SYNC_ERROR_CLIENT_TOO_OLD,
                               _("The server (version %s) needs a newer version of E-Vanguard."),
                               health->version);
      return;
    }
  if (health->branch_code == NULL)
    {
      g_task_return_new_error (task, EVG_SYNC_ERROR, EVG_SYNC_ERROR_UNAUTHORIZED, "%s",
                               _("The server does not accept this workstation’s token."));
      return;
    }
  job->branch_code = g_strdup (health->branch_code);
  job->branch_name = g_strdup (health->branch_name);
  g_task_return_boolean (task, TRUE);
}

/* A GTaskThreadFunc: reads the branch's public page setting from the
 * server's /v1/page, or sets it (job->page_request 0 or 1), and leaves
 * what the server answered on the job. */
void
evg_sync_job_run_page (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  EvgSyncJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) body = NULL;
  g_auto(EvgSyncHttp) http = { 0 };
  JsonNode *root;
  JsonObject *object;
  const char *data;
  gsize len = 0;

  if (!start_call (job, task, cancellable, &http))
    return;
  if (job->page_request >= 0)
    body = g_string_new (job->page_request ? "{\"enabled\":true}" : "{\"enabled\":false}");
  bytes = evg_sync_http_call (&http, body != NULL ? "POST" : "GET", "/v1/page", body, FALSE, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member ((object = json_node_get_object (root)), "enabled"))
    {
      g_task_return_new_error (task, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE, "%s",
                               _("The server is too old for the residents’ public page."));
      return;
    }
  job->page_enabled = json_object_get_boolean_member (object, "enabled");
  g_task_return_boolean (task, TRUE);
}
