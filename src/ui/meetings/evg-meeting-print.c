/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-meeting-print"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-meeting-print.h"
#include "evg-print.h"

/* Printing a meeting's record: the print dialog around EvgMeetingReport,
 * which lays the pages out the same way as `e-vanguard-cli meetings print`
 * does for its PDF.  The pages are laid out again for the paper the
 * person picks, so A4 and Letter, portrait or landscape, all fit. */

/**
 * evg_meeting_print_run:
 * @parent: the window the print dialog belongs to
 *
 * Shows the print dialog for @meeting's record and prints it (or saves
 * it as a file, from the same dialog); a failure is told in a dialog.
 */
void
evg_meeting_print_run (GtkWindow   *parent,
                       EvgCalendar *calendar,
                       EvgMeeting  *meeting)
{
  g_autoptr(EvgMeetingReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (EVG_IS_CALENDAR (calendar));
  g_return_if_fail (EVG_IS_MEETING (meeting));

  report = evg_meeting_report_new (calendar, meeting, &error);
  if (report == NULL)
    evg_print_show_error (parent, _("The Record Was Not Printed"), error);
  else
    evg_print_run (parent, EVG_PAGES (report), _("The Record Was Not Printed"));
}
