/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-store-private.h"
#include "evg-sync-client-private.h"
#include "evg-sync-job.h"

/* The sync client: what the header bar, the preferences and the CLI talk
 * to.  A sync runs in a worker thread on its own connection to the
 * database (WAL lets the UI keep reading and writing), never two at once;
 * see evg-sync-job.c.  This file holds the object and the state it shows;
 * when syncs start by themselves is in evg-sync-client-schedule.c, the
 * server address and token in evg-sync-client-settings.c. */

#define DEFAULT_INTERVAL_S 300

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

/* For the worker's progress, delivered on the main thread. */
void
evg_sync_client_set_progress (EvgSyncClient *self,
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

/**
 * evg_sync_client_refresh:
 *
 * Re-reads the pending count, last sync, server and conflicts from the
 * database.  The client does this itself after each sync and local change.
 */
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
    evg_sync_client_schedule (self, EVG_SYNC_CLIENT_DEBOUNCE_MS);
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
  evg_sync_client_restart_periodic (self);
  if (!auto_sync)
    g_clear_handle_id (&self->debounce_id, g_source_remove);
  else
    {
      evg_sync_client_watch_network (self);
      if (self->server_url != NULL)
        evg_sync_client_schedule (self, EVG_SYNC_CLIENT_DEBOUNCE_MS);
    }
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
  evg_sync_client_restart_periodic (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
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
  EvgSyncJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) changes = NULL;
  GHashTableIter iter;
  gpointer table;

  report = g_task_propagate_pointer (G_TASK (result), &error);
  self->running = FALSE;
  evg_sync_client_set_progress (self, 0.0);

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

  evg_sync_client_update_backoff (self, error);

  reload_conflicts (self);
  evg_sync_client_refresh (self);
  g_signal_emit (self, signals[SYNC_FINISHED], 0, report, error);

  if (error != NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_pointer (outer, g_steal_pointer (&report), (GDestroyNotify) evg_sync_report_free);

  evg_sync_client_schedule_next (self);
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
  evg_sync_client_set_progress (self, 0.0);
  update_state (self);

  inner = g_task_new (self, cancellable != NULL ? cancellable : self->cancellable,
                      sync_done, g_steal_pointer (&outer));
  g_task_set_task_data (inner, evg_sync_job_new (self), (GDestroyNotify) evg_sync_job_free);
  g_task_run_in_thread (inner, evg_sync_job_run_sync);
}

EvgSyncReport *
evg_sync_client_sync_finish (EvgSyncClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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
