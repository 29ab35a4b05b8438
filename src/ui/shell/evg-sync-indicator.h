/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-sync-client.h"

G_BEGIN_DECLS

#define EVG_TYPE_SYNC_INDICATOR (evg_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (EvgSyncIndicator, evg_sync_indicator, EVG, SYNC_INDICATOR, GtkWidget)

EvgSyncClient *evg_sync_indicator_get_client (EvgSyncIndicator *self);
void           evg_sync_indicator_set_client (EvgSyncIndicator *self,
                                              EvgSyncClient    *client);
const char    *evg_sync_indicator_get_label  (EvgSyncIndicator *self);

/* For the header's tests and the screen-reader name. */
char          *evg_sync_describe_last_synced (gint64            last_synced_usec,
                                              gint64            now_usec);

G_END_DECLS
