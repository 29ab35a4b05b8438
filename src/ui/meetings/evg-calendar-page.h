/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"

G_BEGIN_DECLS

#define EVG_TYPE_CALENDAR_PAGE (evg_calendar_page_get_type ())

G_DECLARE_FINAL_TYPE (EvgCalendarPage, evg_calendar_page, EVG, CALENDAR_PAGE, GtkWidget)

void        evg_calendar_page_set_context  (EvgCalendarPage *self,
                                            EvgContext      *context);
void        evg_calendar_page_set_today    (EvgCalendarPage *self,
                                            const char      *today);
void        evg_calendar_page_select_day   (EvgCalendarPage *self,
                                            const char      *day);
char       *evg_calendar_page_dup_selected_day (EvgCalendarPage *self);
const char *evg_calendar_page_get_warning  (EvgCalendarPage *self);
void        evg_calendar_page_open_meeting (EvgCalendarPage *self,
                                            const char      *id);

G_END_DECLS
