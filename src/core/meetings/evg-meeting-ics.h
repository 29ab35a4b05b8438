/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Meetings as an iCalendar file (RFC 5545) for members' phone and desktop
 * calendars: one event a meeting, whose UID comes from the meeting's id so
 * that importing a later export again changes the same events, with times
 * in Beijing time (Asia/Shanghai) and the zone's definition in the file. */

#define EVG_MEETING_ICS_TZID "Asia/Shanghai"

char     *evg_meeting_ics_export (GPtrArray   *meetings,
                                  const char  *calendar_name,
                                  GDateTime   *stamp,
                                  GError     **error);
gboolean  evg_meeting_ics_save   (GPtrArray   *meetings,
                                  const char  *calendar_name,
                                  const char  *path,
                                  GError     **error);
char     *evg_meeting_ics_uid    (const char  *meeting_id);

G_END_DECLS
