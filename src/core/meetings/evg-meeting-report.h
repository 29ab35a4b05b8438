/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>

#include "evg-calendar.h"
#include "evg-pages.h"
#include "evg-paper.h"

G_BEGIN_DECLS

/* A meeting's record on paper: the header table, the agenda, the minutes,
 * the resolutions with their votes, the signature lines and the dated
 * corrections, laid out once with Pango and drawn with cairo.  The app's
 * print dialog draws its pages, the CLI saves them as a PDF, both through
 * EvgPages, which it implements; neither needs GTK.  Sizes are in points (1/72 inch) and the page's top left
 * corner is the origin. */

#define EVG_TYPE_MEETING_REPORT (evg_meeting_report_get_type ())
G_DECLARE_FINAL_TYPE (EvgMeetingReport, evg_meeting_report, EVG, MEETING_REPORT, GObject)

/* ISO A4, which the PDF uses and the print dialog proposes. */
#define EVG_MEETING_REPORT_A4_WIDTH  EVG_PAPER_A4_WIDTH
#define EVG_MEETING_REPORT_A4_HEIGHT EVG_PAPER_A4_HEIGHT

EvgMeetingReport *evg_meeting_report_new          (EvgCalendar      *calendar,
                                                   EvgMeeting       *meeting,
                                                   GError          **error);
const char       *evg_meeting_report_get_title    (EvgMeetingReport *self);
guint             evg_meeting_report_paginate     (EvgMeetingReport *self,
                                                   double            page_width,
                                                   double            page_height);
guint             evg_meeting_report_get_n_pages  (EvgMeetingReport *self);
void              evg_meeting_report_draw_page    (EvgMeetingReport *self,
                                                   cairo_t          *cr,
                                                   guint             page);
gboolean          evg_meeting_report_write_pdf    (EvgMeetingReport *self,
                                                   const char       *path,
                                                   GError          **error);

G_END_DECLS
