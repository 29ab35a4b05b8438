/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"
#include "evg-member-list.h"

G_BEGIN_DECLS

#define EVG_TYPE_ROSTER_PAGE (evg_roster_page_get_type ())

G_DECLARE_FINAL_TYPE (EvgRosterPage, evg_roster_page, EVG, ROSTER_PAGE, GtkWidget)

EvgRosterPage *evg_roster_page_new        (EvgContext    *context);
EvgContext    *evg_roster_page_get_context (EvgRosterPage *self);
void           evg_roster_page_set_context (EvgRosterPage *self,
                                            EvgContext    *context);
EvgMemberList *evg_roster_page_get_list    (EvgRosterPage *self);
void           evg_roster_page_focus_search (EvgRosterPage *self);

G_END_DECLS
