/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For src/core only: the store side of sync.  These functions write synced
 * tables without going through the outbox, because what they write came
 * from the server; nothing outside the core library can reach them.
 *
 * They are the client's half of SYNC.md on the local database, by job:
 * evg-sync-state-info.c (the sync_state row as the client shows it),
 * evg-sync-outbox.c (batches of outbox entries and the server's answers,
 * and putting entries back on their way), evg-sync-apply.c (pulled pages
 * with their cursor) and evg-sync-conflict-store.c (the conflicts table).
 * Each step is one transaction, so a kill at any instant leaves either the
 * step done or not begun. */

#include <sqlite3.h>

#include "evg-store.h"
#include "evg-sync-client.h"
#include "evg-sync-protocol.h"

G_BEGIN_DECLS

static inline char *
evg_sync_column_dup (sqlite3_stmt *stmt,
                     int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/* evg-sync-state-info.c */

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
gboolean  evg_sync_record_result      (EvgStore             *store,
                                       gboolean              success,
                                       const char           *error_message,
                                       GError              **error);

/* evg-sync-outbox.c */
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
gboolean  evg_sync_begin_resync       (EvgStore             *store,
                                       const char           *epoch,
                                       GError              **error);
gint64    evg_sync_rebase_clocks      (EvgStore             *store,
                                       gint64                server_ms,
                                       GError              **error);

/* evg-sync-apply.c */
gboolean  evg_sync_restore_record     (EvgStore             *store,
                                       const char           *table,
                                       const char           *row_id,
                                       const char           *values_json,
                                       const char           *clocks_json,
                                       GError              **error);
gboolean  evg_sync_apply_pull         (EvgStore             *store,
                                       EvgSyncPullResponse  *page,
                                       EvgSyncReport        *report,
                                       GHashTable           *changed_tables,
                                       GError              **error);

/* evg-sync-conflict-store.c */
gboolean  evg_sync_add_conflict       (EvgStore             *store,
                                       const char           *table,
                                       const char           *row_id,
                                       const char           *kind,
                                       const char           *local_value,
                                       const char           *remote_value,
                                       const char           *change_id,
                                       GError              **error);
GPtrArray *evg_sync_list_conflicts    (EvgStore             *store,
                                       gboolean              include_resolved,
                                       GError              **error);
gboolean  evg_sync_resolve            (EvgStore             *store,
                                       gint64                conflict_id,
                                       EvgSyncResolution     resolution,
                                       GError              **error);

/* evg-sync-job.c */
void      evg_sync_failpoint          (const char           *name);

G_END_DECLS
