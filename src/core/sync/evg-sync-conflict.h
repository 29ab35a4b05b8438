/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Which side a person keeps. */
typedef enum
{
  EVG_SYNC_RESOLUTION_KEEP_LOCAL,
  EVG_SYNC_RESOLUTION_KEEP_REMOTE,
} EvgSyncResolution;

#define EVG_TYPE_SYNC_CONFLICT (evg_sync_conflict_get_type ())

/* One conflict or rejected change, as the Conflicts view shows it.  The
 * values are JSON objects of column → value. */
G_DECLARE_FINAL_TYPE (EvgSyncConflict, evg_sync_conflict, EVG, SYNC_CONFLICT, GObject)

gint64      evg_sync_conflict_get_id           (EvgSyncConflict *self);
const char *evg_sync_conflict_get_table        (EvgSyncConflict *self);
const char *evg_sync_conflict_get_row_id       (EvgSyncConflict *self);
const char *evg_sync_conflict_get_kind         (EvgSyncConflict *self);
const char *evg_sync_conflict_get_local_value  (EvgSyncConflict *self);
const char *evg_sync_conflict_get_remote_value (EvgSyncConflict *self);
gint64      evg_sync_conflict_get_created_at   (EvgSyncConflict *self);
const char *evg_sync_conflict_get_resolution   (EvgSyncConflict *self);
char       *evg_sync_conflict_dup_summary      (EvgSyncConflict *self);

/* For the sync store, which reads them from its conflicts table. */
EvgSyncConflict *evg_sync_conflict_new_internal (gint64      id,
                                                 const char *table,
                                                 const char *row_id,
                                                 const char *kind,
                                                 const char *local_value,
                                                 const char *remote_value,
                                                 gint64      created_at,
                                                 const char *resolution);

G_END_DECLS
