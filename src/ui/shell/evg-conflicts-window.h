/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-sync-client.h"

G_BEGIN_DECLS

#define EVG_TYPE_CONFLICTS_WINDOW (evg_conflicts_window_get_type ())

G_DECLARE_FINAL_TYPE (EvgConflictsWindow, evg_conflicts_window, EVG, CONFLICTS_WINDOW, AdwWindow)

EvgConflictsWindow *evg_conflicts_window_new (EvgSyncClient *client);

G_END_DECLS
