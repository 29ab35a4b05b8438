/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-store.h"
#include "evg-sync-conflict.h"
#include "evg-sync-error.h"

G_BEGIN_DECLS

/**
 * EvgSyncState:
 * @EVG_SYNC_STATE_NOT_CONFIGURED: no server is set up; sync is off
 * @EVG_SYNC_STATE_NEVER_SYNCED: set up, but no sync has completed yet
 * @EVG_SYNC_STATE_UP_TO_DATE: the last sync completed and nothing waits
 * @EVG_SYNC_STATE_PENDING: local changes wait for the next sync
 * @EVG_SYNC_STATE_SYNCING: a sync runs now; see #EvgSyncClient:progress
 * @EVG_SYNC_STATE_OFFLINE: the server cannot be reached; a normal state,
 *   changes are kept and sent later
 * @EVG_SYNC_STATE_ERROR: sync stopped on a problem a person must fix; see
 *   #EvgSyncClient:status-message and #EvgSyncClient:error-hint
 */
typedef enum
{
  EVG_SYNC_STATE_NOT_CONFIGURED,
  EVG_SYNC_STATE_NEVER_SYNCED,
  EVG_SYNC_STATE_UP_TO_DATE,
  EVG_SYNC_STATE_PENDING,
  EVG_SYNC_STATE_SYNCING,
  EVG_SYNC_STATE_OFFLINE,
  EVG_SYNC_STATE_ERROR,
} EvgSyncState;

typedef enum
{
  EVG_SYNC_RESOLUTION_KEEP_LOCAL,
  EVG_SYNC_RESOLUTION_KEEP_REMOTE,
} EvgSyncResolution;

/* What one sync did. */
typedef struct
{
  guint pushed;       /* local changes the server confirmed (applied or conflict) */
  guint duplicates;   /* changes the server had already: resent after a lost answer */
  guint pulled;       /* remote changes applied here */
  guint conflicts;    /* new conflicts to show */
  guint rejected;     /* local changes the server refused (kept as conflicts) */
} EvgSyncReport;

#define EVG_TYPE_SYNC_STATE      (evg_sync_state_get_type ())
#define EVG_TYPE_SYNC_REPORT     (evg_sync_report_get_type ())
#define EVG_TYPE_SYNC_CLIENT     (evg_sync_client_get_type ())

GType          evg_sync_state_get_type   (void) G_GNUC_CONST;
GType          evg_sync_report_get_type  (void) G_GNUC_CONST;
EvgSyncReport *evg_sync_report_copy      (const EvgSyncReport *report);
void           evg_sync_report_free      (EvgSyncReport       *report);

G_DECLARE_FINAL_TYPE (EvgSyncClient, evg_sync_client, EVG, SYNC_CLIENT, GObject)

EvgSyncClient *evg_sync_client_new                   (EvgStore             *store);
EvgSyncClient *evg_sync_client_new_deferred          (EvgStore             *store);
EvgStore      *evg_sync_client_get_store             (EvgSyncClient        *self);
EvgSyncState   evg_sync_client_get_state             (EvgSyncClient        *self);
const char    *evg_sync_client_get_status_message    (EvgSyncClient        *self);
const char    *evg_sync_client_get_error_hint        (EvgSyncClient        *self);
gint64         evg_sync_client_get_last_synced       (EvgSyncClient        *self);
guint          evg_sync_client_get_pending_count     (EvgSyncClient        *self);
double         evg_sync_client_get_progress          (EvgSyncClient        *self);
guint          evg_sync_client_get_conflict_count    (EvgSyncClient        *self);
const char    *evg_sync_client_get_server_url        (EvgSyncClient        *self);
gboolean       evg_sync_client_get_configured        (EvgSyncClient        *self);
gboolean       evg_sync_client_get_auto_sync         (EvgSyncClient        *self);
void           evg_sync_client_set_auto_sync         (EvgSyncClient        *self,
                                                      gboolean              auto_sync);
guint          evg_sync_client_get_interval          (EvgSyncClient        *self);
void           evg_sync_client_set_interval          (EvgSyncClient        *self,
                                                      guint                 seconds);

gboolean       evg_sync_client_configure             (EvgSyncClient        *self,
                                                      const char           *url,
                                                      const char           *token,
                                                      GError              **error);
gboolean       evg_sync_client_forget                (EvgSyncClient        *self,
                                                      GError              **error);

void           evg_sync_client_test_connection_async (EvgSyncClient        *self,
                                                      const char           *url,
                                                      const char           *token,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean       evg_sync_client_test_connection_finish (EvgSyncClient       *self,
                                                      GAsyncResult         *result,
                                                      char                **branch_code,
                                                      char                **branch_name,
                                                      GError              **error);

void           evg_sync_client_sync_async            (EvgSyncClient        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
EvgSyncReport *evg_sync_client_sync_finish           (EvgSyncClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void           evg_sync_client_sync_now              (EvgSyncClient        *self);
void           evg_sync_client_schedule              (EvgSyncClient        *self,
                                                      guint                 delay_ms);
void           evg_sync_client_refresh               (EvgSyncClient        *self);

GListModel    *evg_sync_client_get_conflicts         (EvgSyncClient        *self);
gboolean       evg_sync_client_resolve_conflict      (EvgSyncClient        *self,
                                                      EvgSyncConflict      *conflict,
                                                      EvgSyncResolution     resolution,
                                                      GError              **error);

gboolean       evg_sync_check_server_url             (const char           *url,
                                                      GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSyncReport, evg_sync_report_free)

G_END_DECLS
