/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"

G_BEGIN_DECLS

#define EVG_TYPE_CHECKINS_PAGE (evg_checkins_page_get_type ())
G_DECLARE_FINAL_TYPE (EvgCheckinsPage, evg_checkins_page, EVG, CHECKINS_PAGE, GtkWidget)

void        evg_checkins_page_set_context    (EvgCheckinsPage *self,
                                              EvgContext      *context);
gboolean    evg_checkins_page_select_whistle (EvgCheckinsPage *self,
                                              const char      *id);
const char *evg_checkins_page_get_selected   (EvgCheckinsPage *self);
void        evg_checkins_page_show_hours     (EvgCheckinsPage *self);

/* For tests: what the page shows. */
GtkWidget  *evg_checkins_page_get_checkin_entry (EvgCheckinsPage *self);
const char *evg_checkins_page_get_status_text (EvgCheckinsPage *self);
guint       evg_checkins_page_get_n_checkins (EvgCheckinsPage *self);
guint       evg_checkins_page_get_n_matches  (EvgCheckinsPage *self);
guint       evg_checkins_page_get_n_hours    (EvgCheckinsPage *self);
gboolean    evg_checkins_page_get_hours_loading (EvgCheckinsPage *self);

G_END_DECLS
