/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

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

#define EVG_TYPE_SYNC_STATE (evg_sync_state_get_type ())

GType evg_sync_state_get_type (void) G_GNUC_CONST;

G_END_DECLS
