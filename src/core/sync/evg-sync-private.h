/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For src/core only: the store side of sync.  These functions write synced
 * tables without going through the outbox, because what they write came
 * from the server; nothing outside the core library can reach them. */

#include "evg-store.h"
#include "evg-sync-client.h"
#include "evg-sync-protocol.h"

G_BEGIN_DECLS

typedef struct
{
  char    *url;
  char    *epoch;
  gint64   pull_cursor;
  gint64   last_sync_at;    /* seconds since the epoch, 0 when never */
  char    *last_error;
  gint64   pending;
  gint64   open_conflicts;
} EvgSyncStateInfo;

void      evg_sync_state_info_clear   (EvgSyncStateInfo     *info);
gboolean  evg_sync_read_state         (EvgStore             *store,
                                       EvgSyncStateInfo     *info,
                                       GError              **error);
gboolean  evg_sync_take_batch         (EvgStore             *store,
                                       guint                 max_changes,
                                       const char           *in_flight,
                                       char                **batch_id,
                                       GString              *body,
                                       guint                *n_changes,
                                       GError              **error);
gboolean  evg_sync_ack_batch          (EvgStore             *store,
                                       const char           *batch_id,
                                       EvgSyncPushResponse  *response,
                                       EvgSyncReport        *report,
                                       GError              **error);
char     *evg_sync_known_ranges       (EvgStore             *store,
                                       gint64                cursor);
gboolean  evg_sync_apply_pull         (EvgStore             *store,
                                       EvgSyncPullResponse  *page,
                                       EvgSyncReport        *report,
                                       GHashTable           *changed_tables,
                                       GError              **error);
gboolean  evg_sync_begin_resync       (EvgStore             *store,
                                       const char           *epoch,
                                       GError              **error);
gint64    evg_sync_rebase_clocks      (EvgStore             *store,
                                       gint64                server_ms,
                                       GError              **error);
gboolean  evg_sync_record_result      (EvgStore             *store,
                                       gboolean              success,
                                       const char           *error_message,
                                       GError              **error);
GPtrArray *evg_sync_list_conflicts    (EvgStore             *store,
                                       gboolean              include_resolved,
                                       GError              **error);
gboolean  evg_sync_resolve            (EvgStore             *store,
                                       gint64                conflict_id,
                                       EvgSyncResolution     resolution,
                                       GError              **error);
void      evg_sync_failpoint          (const char           *name);

G_END_DECLS
