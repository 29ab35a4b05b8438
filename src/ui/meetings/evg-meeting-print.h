/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "evg-calendar.h"
#include "evg-meeting-report.h"

G_BEGIN_DECLS

void evg_meeting_print_run (GtkWindow   *parent,
                            EvgCalendar *calendar,
                            EvgMeeting  *meeting);

G_END_DECLS
