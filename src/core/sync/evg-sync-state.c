/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "evg-sync-state.h"

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
