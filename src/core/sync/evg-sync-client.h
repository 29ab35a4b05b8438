/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-store.h"
#include "evg-sync-conflict.h"
#include "evg-sync-error.h"
#include "evg-sync-report.h"
#include "evg-sync-state.h"

G_BEGIN_DECLS

/* Settings of the branch's public page that the server keeps (POST
 * /v1/page): a JSON object a feature keeps in the store's meta.  A sync
 * sends it when the server has not taken it yet: after it changed, or
 * with a new server or token. */
#define EVG_SYNC_META_PAGE_SETTINGS "sync_page_settings"

#define EVG_TYPE_SYNC_CLIENT (evg_sync_client_get_type ())

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

void           evg_sync_client_public_page_async (EvgSyncClient        *self,
                                                  int                   enable,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean       evg_sync_client_public_page_finish (EvgSyncClient       *self,
                                                   GAsyncResult        *result,
                                                   gboolean            *enabled,
                                                   GError             **error);
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

G_END_DECLS
