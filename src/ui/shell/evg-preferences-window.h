/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"

G_BEGIN_DECLS

#define EVG_TYPE_PREFERENCES_WINDOW (evg_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (EvgPreferencesWindow, evg_preferences_window, EVG, PREFERENCES_WINDOW, AdwPreferencesWindow)

EvgPreferencesWindow *evg_preferences_window_new       (EvgContext           *context);
void                  evg_preferences_window_show_sync (EvgPreferencesWindow *self);

G_END_DECLS
