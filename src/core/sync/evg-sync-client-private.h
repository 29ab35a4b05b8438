/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-sync-client.h"
#include "evg-sync-private.h"

G_BEGIN_DECLS

/* What the files of the sync client share: evg-sync-client.c (the object,
 * its state and the sync it runs), evg-sync-client-schedule.c (when syncs
 * start by themselves, and the backoff after failures),
 * evg-sync-client-settings.c (the server address, the token and the
 * connection test) and evg-sync-job.c (the work done in a worker). */

/* The server address and public page settings a sync last sent
 * (EVG_SYNC_META_PAGE_SETTINGS), as "URL\nSETTINGS". */
#define EVG_SYNC_META_PAGE_SETTINGS_SENT "sync_page_settings_sent"

/* How long a burst of local edits may go on before it is synced as one. */
#define EVG_SYNC_CLIENT_DEBOUNCE_MS 2000

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
  gboolean         stuck;           /* the last sync failed in a way a retry cannot fix */
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

void  evg_sync_client_set_progress     (EvgSyncClient *self,
                                        double         progress);
void  evg_sync_client_restart_periodic (EvgSyncClient *self);
void  evg_sync_client_watch_network    (EvgSyncClient *self);
void  evg_sync_client_update_backoff   (EvgSyncClient *self,
                                        const GError  *error);
void  evg_sync_client_schedule_next    (EvgSyncClient *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EvgSyncStateInfo, evg_sync_state_info_clear)

G_END_DECLS
