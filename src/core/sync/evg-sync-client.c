/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-hlc.h"
#include "evg-store-private.h"
#include "evg-sync-client.h"
#include "evg-sync-http.h"
#include "evg-sync-private.h"
#include "evg-sync-protocol.h"
#include "evg-sync-token.h"

/* The sync client: what the header bar, the preferences and the CLI talk
 * to.  A sync runs in a worker thread on its own connection to the
 * database (WAL lets the UI keep reading and writing), never two at once.
 * The client starts one by itself after local changes (debounced), every
 * few minutes, and when the network comes back, and backs off with jitter
 * after failures the server or network may get over by themselves. */

#define DEBOUNCE_MS            2000
#define DEFAULT_INTERVAL_S     300
#define BACKOFF_FIRST_S        15
#define BACKOFF_MAX_S          (15 * 60)

/* ------------------------------------------------------------------ types */

GType
evg_sync_state_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { EVG_SYNC_STATE_NOT_CONFIGURED, "EVG_SYNC_STATE_NOT_CONFIGURED", "not-configured" },
        { EVG_SYNC_STATE_NEVER_SYNCED, "EVG_SYNC_STATE_NEVER_SYNCED", "never-synced" },
        { EVG_SYNC_STATE_UP_TO_DATE, "EVG_SYNC_STATE_UP_TO_DATE", "up-to-date" },
        { EVG_SYNC_STATE_PENDING, "EVG_SYNC_STATE_PENDING", "pending" },
        { EVG_SYNC_STATE_SYNCING, "EVG_SYNC_STATE_SYNCING", "syncing" },
        { EVG_SYNC_STATE_OFFLINE, "EVG_SYNC_STATE_OFFLINE", "offline" },
        { EVG_SYNC_STATE_ERROR, "EVG_SYNC_STATE_ERROR", "error" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("EvgSyncState"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

EvgSyncReport *
evg_sync_report_copy (const EvgSyncReport *report)
{
  return g_memdup2 (report, sizeof *report);
}

void
evg_sync_report_free (EvgSyncReport *report)
{
  g_free (report);
}

G_DEFINE_BOXED_TYPE (EvgSyncReport, evg_sync_report, evg_sync_report_copy, evg_sync_report_free)

/* ----------------------------------------------------------------- worker */

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EvgSyncStateInfo, evg_sync_state_info_clear)

typedef struct
{
  EvgSyncClient *client;        /* a reference, released on the main thread */
  char          *database;
  char          *site_id;
  GMainContext  *context;
  EvgSyncReport  report;
  GHashTable    *changed_tables;
  /* test-connection only */
  char          *url;
  char          *token;
  char          *branch_code;
  char          *branch_name;
} Job;

typedef struct
{
  EvgSyncClient *client;
  double         progress;
} Progress;

static void
job_free (Job *job)
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

static void set_progress (EvgSyncClient *self, double progress);

static gboolean
deliver_progress (gpointer data)
{
  Progress *p = data;

  set_progress (p->client, p->progress);
  g_object_unref (p->client);
  g_free (p);
  return G_SOURCE_REMOVE;
}

static void
report_progress (Job    *job,
                 double  progress)
{
  Progress *p = g_new0 (Progress, 1);

  p->client = g_object_ref (job->client);
  p->progress = progress;
  g_main_context_invoke (job->context, deliver_progress, p);
}

/* The whole sync, blocking: push every pending change, then pull every
 * page.  Push goes first so that the merge of pulled changes sees this
 * replica's edits already confirmed, and a restored server learns them. */
static gboolean
run_sync (Job           *job,
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

  return evg_sync_record_result (store, TRUE, NULL, error);
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
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

static void
test_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EvgSyncHealth) health = NULL;
  g_auto(EvgSyncHttp) http = { 0 };
  const char *data;
  gsize len = 0;

  if (job->token == NULL)
    job->token = evg_sync_token_load (job->site_id, NULL);
  if (job->url == NULL || job->token == NULL)
    {
      g_task_return_new_error (task, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                               "%s", _("Enter the server address and the token."));
      return;
    }

  evg_sync_http_init (&http, job->url, job->token, cancellable);
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

/* ----------------------------------------------------------------- client */

struct _EvgSyncClient
{
  GObject          parent_instance;

  /* Owned */
  EvgStore        *store;
  GListStore      *conflicts;
  char            *status_message;
  char            *error_hint;
  char            *server_url;
  GError          *last_error;
  guint            debounce_id;
  guint            periodic_id;
  guint            backoff_s;
  GCancellable    *cancellable;

  EvgSyncState     state;
  gint64           last_synced;
  guint            pending_count;
  double           progress;
  guint            interval;
  gboolean         auto_sync;
  gboolean         running;
  gboolean         again;
  gboolean         emitting;
  gboolean         watching_network;
  gboolean         deferred;        /* the first read runs in a worker */
  guint            refreshes;       /* bumped by every read applied */
};

G_DEFINE_FINAL_TYPE (EvgSyncClient, evg_sync_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STATE,
  PROP_STATUS_MESSAGE,
  PROP_ERROR_HINT,
  PROP_LAST_SYNCED,
  PROP_PENDING_COUNT,
  PROP_PROGRESS,
  PROP_CONFLICT_COUNT,
  PROP_SERVER_URL,
  PROP_CONFIGURED,
  PROP_AUTO_SYNC,
  PROP_INTERVAL,
  PROP_DEFERRED,
  N_PROPS
};

enum {
  SYNC_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_background (EvgSyncClient *self);

static void
set_string (EvgSyncClient *self,
            char         **field,
            const char    *value,
            guint          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_progress (EvgSyncClient *self,
              double         progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static char *
format_pending (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change waiting to be sent",
                                       "%u changes waiting to be sent", n), n);
}

/* Works out the state from what the database and the last attempt say. */
static void
update_state (EvgSyncClient *self)
{
  g_autofree char *message = NULL;
  const char *hint = NULL;
  EvgSyncState state;
  gboolean configured = self->server_url != NULL;

  if (self->running)
    {
      state = EVG_SYNC_STATE_SYNCING;
      message = g_strdup (_("Syncing…"));
    }
  else if (!configured)
    {
      state = EVG_SYNC_STATE_NOT_CONFIGURED;
      message = g_strdup (_("Sync is not set up"));
    }
  else if (self->last_error != NULL &&
           g_error_matches (self->last_error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK))
    {
      state = EVG_SYNC_STATE_OFFLINE;
      message = self->pending_count > 0
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Offline: %u change will be sent when the server can be reached",
                                        "Offline: %u changes will be sent when the server can be reached",
                                        self->pending_count), self->pending_count)
        : g_strdup (_("Offline"));
      hint = evg_sync_error_get_hint (self->last_error);
    }
  else if (self->last_error != NULL)
    {
      state = EVG_SYNC_STATE_ERROR;
      message = g_strdup (self->last_error->message);
      hint = evg_sync_error_get_hint (self->last_error);
    }
  else if (self->last_synced == 0)
    {
      state = EVG_SYNC_STATE_NEVER_SYNCED;
      message = g_strdup (_("Not synced yet"));
    }
  else if (self->pending_count > 0)
    {
      state = EVG_SYNC_STATE_PENDING;
      message = format_pending (self->pending_count);
    }
  else
    {
      state = EVG_SYNC_STATE_UP_TO_DATE;
      message = g_strdup (_("Up to date"));
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  set_string (self, &self->status_message, message, PROP_STATUS_MESSAGE);
  set_string (self, &self->error_hint, hint, PROP_ERROR_HINT);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
reload_conflicts (EvgSyncClient *self)
{
  g_autoptr(GPtrArray) list = evg_sync_list_conflicts (self->store, FALSE, NULL);
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->conflicts));

  if (list == NULL)
    return;
  g_list_store_splice (self->conflicts, 0, old, list->pdata, list->len);
  if (old != list->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT_COUNT]);
}

/**
 * evg_sync_client_refresh:
 *
 * Re-reads the pending count, last sync, server and conflicts from the
 * database.  The client does this itself after each sync and local change.
 */
/* Shows what was read from the database. */
static void
apply_state (EvgSyncClient    *self,
             EvgSyncStateInfo *info)
{
  gboolean was_configured;

  self->refreshes++;
  g_object_freeze_notify (G_OBJECT (self));
  was_configured = self->server_url != NULL;
  set_string (self, &self->server_url, info->url, PROP_SERVER_URL);
  if (was_configured != (self->server_url != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIGURED]);
  if (self->last_synced != info->last_sync_at)
    {
      self->last_synced = info->last_sync_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
    }
  if (self->pending_count != (guint) info->pending)
    {
      self->pending_count = (guint) info->pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
    }
  if ((gint64) g_list_model_get_n_items (G_LIST_MODEL (self->conflicts)) != info->open_conflicts)
    reload_conflicts (self);
  update_state (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
evg_sync_client_refresh (EvgSyncClient *self)
{
  g_auto(EvgSyncStateInfo) info = { 0 };

  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));

  if (!evg_sync_read_state (self->store, &info, NULL))
    return;
  apply_state (self, &info);
}

static void
on_store_changed (EvgStore      *store,
                  const char    *table,
                  GPtrArray     *ids,
                  EvgSyncClient *self)
{
  if (self->emitting)
    return;
  evg_sync_client_refresh (self);
  if (self->auto_sync && self->server_url != NULL)
    evg_sync_client_schedule (self, DEBOUNCE_MS);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    EvgSyncClient   *self)
{
  /* Only a hint: the next request says whether the server is reachable. */
  if (available && self->auto_sync && self->server_url != NULL &&
      (self->state == EVG_SYNC_STATE_OFFLINE || self->state == EVG_SYNC_STATE_PENDING))
    {
      self->backoff_s = 0;
      evg_sync_client_schedule (self, 1000);
    }
}

static gboolean
on_periodic (gpointer data)
{
  EvgSyncClient *self = data;

  if (self->auto_sync && self->server_url != NULL && self->backoff_s == 0)
    start_background (self);
  return G_SOURCE_CONTINUE;
}

static void
restart_periodic (EvgSyncClient *self)
{
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  if (self->auto_sync && self->interval > 0)
    self->periodic_id = g_timeout_add_seconds (self->interval, on_periodic, self);
}

static void
evg_sync_client_dispose (GObject *object)
{
  EvgSyncClient *self = (EvgSyncClient *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->conflicts);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (evg_sync_client_parent_class)->dispose (object);
}

static void
evg_sync_client_finalize (GObject *object)
{
  EvgSyncClient *self = (EvgSyncClient *) object;

  g_free (self->status_message);
  g_free (self->error_hint);
  g_free (self->server_url);
  g_clear_error (&self->last_error);

  G_OBJECT_CLASS (evg_sync_client_parent_class)->finalize (object);
}

/* Shows the last run's failure until the next run says otherwise. */
static void
take_last_error (EvgSyncClient    *self,
                 EvgSyncStateInfo *info)
{
  char *end = NULL;
  gint64 code;
  gboolean coded;

  if (info->last_error == NULL || self->last_error != NULL)
    return;
  code = g_ascii_strtoll (info->last_error, &end, 10);
  coded = end != NULL && end != info->last_error && *end == ':';
  self->last_error = g_error_new_literal (EVG_SYNC_ERROR,
                                          coded ? (int) code : EVG_SYNC_ERROR_FAILED,
                                          coded ? end + 1 : info->last_error);
}

static void
state_info_free (EvgSyncStateInfo *info)
{
  evg_sync_state_info_clear (info);
  g_free (info);
}

static void
read_state_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = evg_store_open_sibling (task_data, &error);
  EvgSyncStateInfo *info = g_new0 (EvgSyncStateInfo, 1);

  if (store == NULL || !evg_sync_read_state (store, info, &error))
    {
      state_info_free (info);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, info, (GDestroyNotify) state_info_free);
}

static void
on_state_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  EvgSyncClient *self = EVG_SYNC_CLIENT (source);
  EvgSyncStateInfo *info = g_task_propagate_pointer (G_TASK (result), NULL);

  /* A read on the main connection since then is newer than this one. */
  if (info != NULL && self->store != NULL)
    {
      take_last_error (self, info);
      if (self->refreshes == 0)
        apply_state (self, info);
      else
        update_state (self);
    }
  if (info != NULL)
    state_info_free (info);
}

static void
evg_sync_client_constructed (GObject *object)
{
  EvgSyncClient *self = (EvgSyncClient *) object;
  g_auto(EvgSyncStateInfo) info = { 0 };

  G_OBJECT_CLASS (evg_sync_client_parent_class)->constructed (object);

  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed), self, 0);

  if (self->deferred)
    {
      /* Counting a large outbox would hold up the first frame and fill
       * the main connection's cache with pages the window never needs;
       * a worker reads the state on its own connection instead. */
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_state_read, NULL);

      g_task_set_source_tag (task, evg_sync_client_constructed);
      g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
      g_task_run_in_thread (task, read_state_thread);
    }
  else if (evg_sync_read_state (self->store, &info, NULL))
    {
      take_last_error (self, &info);
      apply_state (self, &info);
    }
  reload_conflicts (self);
}

static void
evg_sync_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  EvgSyncClient *self = EVG_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATUS_MESSAGE:
      g_value_set_string (value, self->status_message);
      break;
    case PROP_ERROR_HINT:
      g_value_set_string (value, self->error_hint);
      break;
    case PROP_LAST_SYNCED:
      g_value_set_int64 (value, self->last_synced);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_CONFLICT_COUNT:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self->conflicts)));
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_CONFIGURED:
      g_value_set_boolean (value, self->server_url != NULL);
      break;
    case PROP_AUTO_SYNC:
      g_value_set_boolean (value, self->auto_sync);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_sync_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  EvgSyncClient *self = EVG_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_DEFERRED:
      self->deferred = g_value_get_boolean (value);
      break;
    case PROP_AUTO_SYNC:
      evg_sync_client_set_auto_sync (self, g_value_get_boolean (value));
      break;
    case PROP_INTERVAL:
      evg_sync_client_set_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_sync_client_class_init (EvgSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = evg_sync_client_constructed;
  object_class->dispose = evg_sync_client_dispose;
  object_class->finalize = evg_sync_client_finalize;
  object_class->get_property = evg_sync_client_get_property;
  object_class->set_property = evg_sync_client_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, EVG_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * EvgSyncClient:deferred:
   *
   * Whether the first read of the sync state runs in a worker; see
   * evg_sync_client_new_deferred().
   */
  properties[PROP_DEFERRED] =
    g_param_spec_boolean ("deferred", NULL, NULL, FALSE,
                          G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * EvgSyncClient:state:
   *
   * What the header shows; see #EvgSyncState.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, EVG_TYPE_SYNC_STATE,
                       EVG_SYNC_STATE_NOT_CONFIGURED, ro);
  /**
   * EvgSyncClient:status-message:
   *
   * The state in one translated line: “Up to date”, “3 changes waiting to
   * be sent”, or the reason of an error.
   */
  properties[PROP_STATUS_MESSAGE] = g_param_spec_string ("status-message", NULL, NULL, NULL, ro);
  /**
   * EvgSyncClient:error-hint:
   *
   * When offline or in error: what to do about it, translated; else %NULL.
   */
  properties[PROP_ERROR_HINT] = g_param_spec_string ("error-hint", NULL, NULL, NULL, ro);
  /**
   * EvgSyncClient:last-synced:
   *
   * When the last sync completed, in seconds since the Unix epoch; 0 never.
   */
  properties[PROP_LAST_SYNCED] =
    g_param_spec_int64 ("last-synced", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * EvgSyncClient:progress:
   *
   * The running sync's progress from 0 to 1: sending fills the first half,
   * receiving the second.
   */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, ro);
  properties[PROP_CONFLICT_COUNT] =
    g_param_spec_uint ("conflict-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_SERVER_URL] = g_param_spec_string ("server-url", NULL, NULL, NULL, ro);
  properties[PROP_CONFIGURED] = g_param_spec_boolean ("configured", NULL, NULL, FALSE, ro);
  /**
   * EvgSyncClient:auto-sync:
   *
   * Whether the client syncs by itself: a few seconds after local changes,
   * every #EvgSyncClient:interval seconds, and when the network returns.
   * Off by default so that command-line tools sync only when told; the app
   * turns it on.
   */
  properties[PROP_AUTO_SYNC] = g_param_spec_boolean ("auto-sync", NULL, NULL, FALSE, rw);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 0, 24 * 3600, DEFAULT_INTERVAL_S, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * EvgSyncClient::sync-finished:
   * @self: the client
   * @report: (nullable): what the sync did, or %NULL when it failed
   * @error: (nullable): why it failed, or %NULL
   *
   * Emitted on the main thread after every sync, started by anyone.
   */
  signals[SYNC_FINISHED] =
    g_signal_new ("sync-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  EVG_TYPE_SYNC_REPORT | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
evg_sync_client_init (EvgSyncClient *self)
{
  self->conflicts = g_list_store_new (EVG_TYPE_SYNC_CONFLICT);
  self->cancellable = g_cancellable_new ();
  self->interval = DEFAULT_INTERVAL_S;
}

/**
 * evg_sync_client_new:
 * @store: the app's store (the main thread's connection)
 */
EvgSyncClient *
evg_sync_client_new (EvgStore *store)
{
  g_return_val_if_fail (EVG_IS_STORE (store), NULL);
  return g_object_new (EVG_TYPE_SYNC_CLIENT, "store", store, NULL);
}

/**
 * evg_sync_client_new_deferred:
 *
 * Like evg_sync_client_new(), for a program with a main loop: the client
 * starts with nothing waiting and reads the sync state in a worker, so a
 * large outbox does not hold up the first frame.
 */
EvgSyncClient *
evg_sync_client_new_deferred (EvgStore *store)
{
  EvgSyncClient *self;

  g_return_val_if_fail (EVG_IS_STORE (store), NULL);
  self = g_object_new (EVG_TYPE_SYNC_CLIENT, "store", store, "deferred", TRUE, NULL);
  return self;
}

EvgStore *
evg_sync_client_get_store (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), NULL);
  return self->store;
}

EvgSyncState
evg_sync_client_get_state (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), EVG_SYNC_STATE_NOT_CONFIGURED);
  return self->state;
}

const char *
evg_sync_client_get_status_message (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), NULL);
  return self->status_message;
}

const char *
evg_sync_client_get_error_hint (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), NULL);
  return self->error_hint;
}

gint64
evg_sync_client_get_last_synced (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), 0);
  return self->last_synced;
}

guint
evg_sync_client_get_pending_count (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), 0);
  return self->pending_count;
}

double
evg_sync_client_get_progress (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), 0.0);
  return self->progress;
}

guint
evg_sync_client_get_conflict_count (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->conflicts));
}

const char *
evg_sync_client_get_server_url (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), NULL);
  return self->server_url;
}

gboolean
evg_sync_client_get_configured (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), FALSE);
  return self->server_url != NULL;
}

gboolean
evg_sync_client_get_auto_sync (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), FALSE);
  return self->auto_sync;
}

void
evg_sync_client_set_auto_sync (EvgSyncClient *self,
                               gboolean       auto_sync)
{
  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));

  auto_sync = !!auto_sync;
  if (self->auto_sync == auto_sync)
    return;
  self->auto_sync = auto_sync;
  restart_periodic (self);
  /* Watched only when syncing by itself: command-line runs skip its set-up. */
  if (auto_sync && !self->watching_network)
    {
      g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                               G_CALLBACK (on_network_changed), self, 0);
      self->watching_network = TRUE;
    }
  if (!auto_sync)
    g_clear_handle_id (&self->debounce_id, g_source_remove);
  else if (self->server_url != NULL)
    evg_sync_client_schedule (self, DEBOUNCE_MS);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_SYNC]);
}

guint
evg_sync_client_get_interval (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), 0);
  return self->interval;
}

void
evg_sync_client_set_interval (EvgSyncClient *self,
                              guint          seconds)
{
  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));

  if (self->interval == seconds)
    return;
  self->interval = seconds;
  restart_periodic (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

/* Whether @host names this computer: the name localhost, 127.0.0.0/8 or
 * ::1.  Nothing else is taken on trust, not even a name that resolves to
 * loopback today. */
static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * evg_sync_check_server_url:
 * @url: (nullable): a sync server's address
 *
 * Whether @url may be given the branch's token: an https:// address, or
 * http:// to a server on this computer (localhost, 127.0.0.0/8, ::1),
 * where the token never crosses the network.  Setting sync up and every
 * sync that reads the stored address ask this, so an address saved before
 * the rule, or edited by hand, does not send the token in clear either.
 *
 * Returns: %TRUE when @url may be used; else %FALSE with
 *   %EVG_SYNC_ERROR_NOT_CONFIGURED and a message saying what to write
 */
gboolean
evg_sync_check_server_url (const char  *url,
                           GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
      host == NULL || *host == '\0')
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                   _("“%s” is not a server address; write it like https://sync.example.org:8443"),
                   url != NULL ? url : "");
      return FALSE;
    }
  if (g_str_equal (scheme, "http") && !host_is_loopback (host))
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                   _("“%s” would send the branch’s token unencrypted. Use the server’s https:// "
                     "address; plain http:// is only for a server on this computer (localhost)."),
                   url);
      return FALSE;
    }
  return TRUE;
}

/**
 * evg_sync_client_configure:
 * @url: the server, such as https://sync.example.org:8443
 * @token: the branch's token from `e-vanguard-server branch add`
 *
 * Saves the server address in the database and the token in the keyring
 * (or the private token file).  Does not contact the server: use
 * evg_sync_client_test_connection_async() first to tell the person
 * whether it works.  May block briefly on the keyring.
 */
gboolean
evg_sync_client_configure (EvgSyncClient  *self,
                           const char     *url,
                           const char     *token,
                           GError        **error)
{
  g_autofree char *clean_token = NULL;

  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), FALSE);

  if (!evg_sync_check_server_url (url, error))
    return FALSE;
  clean_token = g_strstrip (g_strdup (token != NULL ? token : ""));
  if (*clean_token == '\0' || strlen (clean_token) > 256 || strpbrk (clean_token, " \t\r\n") != NULL)
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_UNAUTHORIZED,
                   _("The token is empty or garbled; copy it again in full."));
      return FALSE;
    }
  if (!evg_sync_token_save (evg_store_get_site_id (self->store), clean_token, error) ||
      !evg_store_set_meta (self->store, "sync_url", url, error))
    return FALSE;

  g_clear_error (&self->last_error);
  self->backoff_s = 0;
  evg_sync_client_refresh (self);
  if (self->auto_sync)
    evg_sync_client_schedule (self, 0);
  return TRUE;
}

/**
 * evg_sync_client_forget:
 *
 * Turns sync off: removes the server address and the token.  Local data
 * and unsent changes stay.
 */
gboolean
evg_sync_client_forget (EvgSyncClient  *self,
                        GError        **error)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), FALSE);

  if (!evg_sync_token_clear (evg_store_get_site_id (self->store), error) ||
      !evg_store_set_meta (self->store, "sync_url", NULL, error))
    return FALSE;
  g_clear_error (&self->last_error);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  evg_sync_client_refresh (self);
  return TRUE;
}

static Job *
job_new (EvgSyncClient *self)
{
  Job *job = g_new0 (Job, 1);

  job->client = g_object_ref (self);
  job->database = g_strdup (evg_store_get_path (self->store));
  job->site_id = g_strdup (evg_store_get_site_id (self->store));
  job->context = g_main_context_ref_thread_default ();
  job->changed_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return job;
}

/**
 * evg_sync_client_test_connection_async:
 * @url: (nullable): the address to try, or %NULL for the saved one
 * @token: (nullable): the token to try, or %NULL for the saved one
 *
 * Asks the server's /v1/health with the token, once, without retrying, and
 * says exactly what is wrong: no route, TLS, unknown or revoked token,
 * server too old, not an E-Vanguard server.
 */
void
evg_sync_client_test_connection_async (EvgSyncClient       *self,
                                       const char          *url,
                                       const char          *token,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Job *job;

  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, evg_sync_client_test_connection_async);
  if (url == NULL)
    url = self->server_url;
  if (url != NULL && !evg_sync_check_server_url (url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job = job_new (self);
  job->url = g_strdup (url);
  job->token = token != NULL ? g_strstrip (g_strdup (token)) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, test_thread);
}

/**
 * evg_sync_client_test_connection_finish:
 * @branch_code: (out) (optional): the branch the token belongs to
 * @branch_name: (out) (optional): its name
 */
gboolean
evg_sync_client_test_connection_finish (EvgSyncClient  *self,
                                        GAsyncResult   *result,
                                        char          **branch_code,
                                        char          **branch_name,
                                        GError        **error)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  if (branch_code != NULL)
    *branch_code = g_strdup (job->branch_code);
  if (branch_name != NULL)
    *branch_name = g_strdup (job->branch_name);
  return TRUE;
}

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  EvgSyncClient *self = EVG_SYNC_CLIENT (source);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncReport) report = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) changes = NULL;
  GHashTableIter iter;
  gpointer table;

  report = g_task_propagate_pointer (G_TASK (result), &error);
  self->running = FALSE;
  set_progress (self, 0.0);

  /* Pulled rows were written by the worker's connection: tell this one's
   * listeners, without taking it for a local change to sync.  The tables
   * are announced as one change, so that a listener that reads everything
   * again (the roster, for members and party groups) does it once. */
  changes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, job->changed_tables);
  while (g_hash_table_iter_next (&iter, &table, NULL))
    g_hash_table_insert (changes, table, NULL);
  self->emitting = TRUE;
  if (g_hash_table_size (changes) > 0)
    evg_store_emit_changes (self->store, changes);
  self->emitting = FALSE;

  g_clear_error (&self->last_error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->last_error = g_error_copy (error);

  if (error == NULL)
    self->backoff_s = 0;
  else if (evg_sync_error_is_transient (error))
    self->backoff_s = self->backoff_s == 0 ? BACKOFF_FIRST_S : MIN (self->backoff_s * 2, BACKOFF_MAX_S);

  reload_conflicts (self);
  evg_sync_client_refresh (self);
  g_signal_emit (self, signals[SYNC_FINISHED], 0, report, error);

  if (error != NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_pointer (outer, g_steal_pointer (&report), (GDestroyNotify) evg_sync_report_free);

  /* Local changes made while this sync ran, or a failure worth retrying. */
  if (self->auto_sync && self->server_url != NULL)
    {
      if (self->backoff_s > 0)
        {
          guint jitter = (guint) g_random_int_range (0, (gint32) MAX (1u, self->backoff_s / 4 * 1000));

          evg_sync_client_schedule (self, self->backoff_s * 1000 + jitter);
        }
      else if (self->again || self->pending_count > 0)
        evg_sync_client_schedule (self, DEBOUNCE_MS);
    }
  self->again = FALSE;
}

/**
 * evg_sync_client_sync_async:
 *
 * Pushes every local change and pulls every remote one, in a worker.  Fails
 * with %EVG_SYNC_ERROR_BUSY when a sync runs already: never two at once.
 * Network failures and 5xx answers are retried a few times inside the run
 * with exponential backoff and jitter before it gives up as offline.
 */
void
evg_sync_client_sync_async (EvgSyncClient       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, evg_sync_client_sync_async);

  if (self->running)
    {
      self->again = TRUE;
      g_task_return_new_error (outer, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BUSY, "%s",
                               _("A sync is already running."));
      return;
    }

  self->running = TRUE;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  set_progress (self, 0.0);
  update_state (self);

  inner = g_task_new (self, cancellable != NULL ? cancellable : self->cancellable,
                      sync_done, g_steal_pointer (&outer));
  g_task_set_task_data (inner, job_new (self), (GDestroyNotify) job_free);
  g_task_run_in_thread (inner, sync_thread);
}

EvgSyncReport *
evg_sync_client_sync_finish (EvgSyncClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
background_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(EvgSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;

  /* The state properties and ::sync-finished carry the outcome. */
  report = evg_sync_client_sync_finish (EVG_SYNC_CLIENT (source), result, &error);
}

static void
start_background (EvgSyncClient *self)
{
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  evg_sync_client_sync_async (self, NULL, background_done, NULL);
}

static gboolean
on_debounce (gpointer data)
{
  EvgSyncClient *self = data;

  self->debounce_id = 0;
  start_background (self);
  return G_SOURCE_REMOVE;
}

/**
 * evg_sync_client_schedule:
 * @delay_ms: how long to wait
 *
 * Starts a sync after @delay_ms, unless one is due sooner.  Local changes
 * call this with a short delay so a burst of edits makes one sync.
 */
void
evg_sync_client_schedule (EvgSyncClient *self,
                          guint          delay_ms)
{
  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));

  if (self->server_url == NULL)
    return;
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (delay_ms, on_debounce, self);
}

/**
 * evg_sync_client_sync_now:
 *
 * For the “Sync now” button: starts a sync at once (or right after the
 * running one) and forgets any backoff.
 */
void
evg_sync_client_sync_now (EvgSyncClient *self)
{
  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));

  self->backoff_s = 0;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  start_background (self);
}

/**
 * evg_sync_client_get_conflicts:
 *
 * Returns: (transfer none): the open conflicts, a #GListModel of
 *   #EvgSyncConflict kept current by the client
 */
GListModel *
evg_sync_client_get_conflicts (EvgSyncClient *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), NULL);
  return G_LIST_MODEL (self->conflicts);
}

/**
 * evg_sync_client_resolve_conflict:
 *
 * Keeps one side of @conflict.  The choice is written as a new local change
 * (so it syncs and wins everywhere) and the conflict is closed, in one
 * transaction.
 */
gboolean
evg_sync_client_resolve_conflict (EvgSyncClient      *self,
                                  EvgSyncConflict    *conflict,
                                  EvgSyncResolution   resolution,
                                  GError            **error)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (conflict), FALSE);

  if (!evg_sync_resolve (self->store, evg_sync_conflict_get_id (conflict), resolution, error))
    return FALSE;
  reload_conflicts (self);
  evg_sync_client_refresh (self);
  return TRUE;
}
