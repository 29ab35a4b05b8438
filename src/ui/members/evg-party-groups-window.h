/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-roster.h"

G_BEGIN_DECLS

#define EVG_TYPE_PARTY_GROUPS_WINDOW (evg_party_groups_window_get_type ())

G_DECLARE_FINAL_TYPE (EvgPartyGroupsWindow, evg_party_groups_window, EVG, PARTY_GROUPS_WINDOW, AdwPreferencesWindow)

EvgPartyGroupsWindow *evg_party_groups_window_new (EvgRoster *roster);

G_END_DECLS
