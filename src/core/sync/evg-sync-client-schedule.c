/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include "evg-sync-client-private.h"
#include "evg-sync-error.h"

/* When the client syncs by itself: a few seconds after local changes (so
 * that a burst of edits makes one sync), every few minutes, and when the
 * network comes back.  After failures the server or network may get over
 * by themselves it waits longer each time, with jitter, so that the
 * branches of a district do not all come back to a restarted server in
 * the same second. */

#define BACKOFF_FIRST_S 15
#define BACKOFF_MAX_S   (15 * 60)

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

static gboolean
on_periodic (gpointer data)
{
  EvgSyncClient *self = data;

  if (self->auto_sync && self->server_url != NULL && self->backoff_s == 0)
    start_background (self);
  return G_SOURCE_CONTINUE;
}

/* Called when auto-sync or the interval changes: the periodic sync starts
 * counting again from now. */
void
evg_sync_client_restart_periodic (EvgSyncClient *self)
{
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  if (self->auto_sync && self->interval > 0)
    self->periodic_id = g_timeout_add_seconds (self->interval, on_periodic, self);
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

/* Watched only once the client syncs by itself: command-line runs skip
 * the network monitor's set-up. */
void
evg_sync_client_watch_network (EvgSyncClient *self)
{
  if (self->watching_network)
    return;
  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed), self, 0);
  self->watching_network = TRUE;
}

/* Called as soon as a sync ends, before anyone hears of it, so that a
 * “Sync now” in a ::sync-finished handler forgets the backoff it set. */
void
evg_sync_client_update_backoff (EvgSyncClient *self,
                                const GError  *error)
{
  self->stuck = error != NULL && !evg_sync_error_is_transient (error);
  if (error == NULL)
    self->backoff_s = 0;
  else if (!self->stuck)
    self->backoff_s = self->backoff_s == 0 ? BACKOFF_FIRST_S : MIN (self->backoff_s * 2, BACKOFF_MAX_S);
}

/* Called last when a sync ends: local changes made while it ran, or a
 * failure worth retrying, make another. */
void
evg_sync_client_schedule_next (EvgSyncClient *self)
{
  if (self->auto_sync && self->server_url != NULL)
    {
      if (self->backoff_s > 0)
        {
          guint jitter = (guint) g_random_int_range (0, (gint32) MAX (1u, self->backoff_s / 4 * 1000));

          evg_sync_client_schedule (self, self->backoff_s * 1000 + jitter);
        }
      /* Changes still waiting after a failure that a retry cannot fix (a
       * refused address, a revoked token) wait for the next edit, the
       * settings or “Sync now”, instead of failing every two seconds. */
      else if (self->again || (self->pending_count > 0 && !self->stuck))
        evg_sync_client_schedule (self, EVG_SYNC_CLIENT_DEBOUNCE_MS);
    }
  self->again = FALSE;
}
