/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-application.h"

G_BEGIN_DECLS

#define EVG_TYPE_WINDOW (evg_window_get_type ())

G_DECLARE_FINAL_TYPE (EvgWindow, evg_window, EVG, WINDOW, AdwApplicationWindow)

EvgWindow  *evg_window_new            (EvgApplication *application,
                                       EvgContext     *context,
                                       const GError   *open_error);
const char *evg_window_get_page       (EvgWindow      *self);
void        evg_window_set_page       (EvgWindow      *self,
                                       const char     *page);
void        evg_window_add_toast      (EvgWindow      *self,
                                       AdwToast       *toast);

G_END_DECLS
