/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-meeting-ics"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libical-glib/libical-glib.h>
#include <stdio.h>
#include <string.h>

#include "evg-meeting.h"
#include "evg-meeting-ics.h"

/* The file is built as libical-glib components and written by libical,
 * which escapes TEXT values (\\ \; \, \n) and folds lines at 75 octets
 * without cutting a UTF-8 character in two (tests/test-meeting-ics.c holds
 * it to both).  Before a text reaches libical its line breaks become "\n"
 * and the control characters RFC 5545 does not allow in TEXT are dropped:
 * libical would silently drop a carriage return and keep the others. */

#define UID_DOMAIN "e-vanguard"
#define PRODID "-//E-Vanguard//E-Vanguard " PACKAGE_VERSION "//ZH"

/**
 * evg_meeting_ics_uid:
 *
 * Returns: (transfer full): the UID of the meeting's event, the same in
 *   every export
 */
char *
evg_meeting_ics_uid (const char *meeting_id)
{
  g_return_val_if_fail (meeting_id != NULL, NULL);
  return g_strconcat (meeting_id, "@" UID_DOMAIN, NULL);
}

static char *
clean_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));
  const char *p;

  for (p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else if (c >= 0x20 ? c != 0x7f : c == '\n' || c == '\t')
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* A text property of @event, when the meeting has that text. */
static void
add_text (ICalComponent *event,
          ICalProperty *(*make) (const gchar *),
          const char     *text)
{
  g_autofree char *clean = NULL;

  if (text == NULL)
    return;
  clean = clean_text (text);
  i_cal_component_take_property (event, make (clean));
}

/* A stored "YYYY-MM-DD HH:MM" as DTSTART or DTEND: the wall-clock time,
 * with the zone named by its TZID parameter. */
static gboolean
add_local_time (ICalComponent  *event,
                ICalProperty *(*make) (ICalTime *),
                const char     *text)
{
  ICalTime *time;
  ICalProperty *property;
  int year, month, day, hour, minute;

  if (text == NULL ||
      evg_table_spec_check_text (&evg_meeting_table, EVG_MEETING_STARTS_AT, text) != NULL ||
      sscanf (text, "%d-%d-%d %d:%d", &year, &month, &day, &hour, &minute) != 5)
    return FALSE;
  time = i_cal_time_new_null_time ();
  i_cal_time_set_date (time, year, month, day);
  i_cal_time_set_time (time, hour, minute, 0);
  property = make (time);
  g_object_unref (time);
  i_cal_property_take_parameter (property, i_cal_parameter_new_tzid (EVG_MEETING_ICS_TZID));
  i_cal_component_take_property (event, property);
  return TRUE;
}

/* Beijing time: UTC+8 all year.  China kept summer time from 1986 to 1991
 * only, before any meeting this program records, so one STANDARD rule
 * covers every date. */
static ICalComponent *
new_timezone (void)
{
  ICalComponent *zone = i_cal_component_new_vtimezone ();
  ICalComponent *standard = i_cal_component_new_xstandard ();
  ICalTime *since = i_cal_time_new_null_time ();

  i_cal_time_set_date (since, 1970, 1, 1);
  i_cal_component_take_property (zone, i_cal_property_new_tzid (EVG_MEETING_ICS_TZID));
  i_cal_component_take_property (standard, i_cal_property_new_dtstart (since));
  g_object_unref (since);
  i_cal_component_take_property (standard, i_cal_property_new_tzoffsetfrom (8 * 3600));
  i_cal_component_take_property (standard, i_cal_property_new_tzoffsetto (8 * 3600));
  i_cal_component_take_property (standard, i_cal_property_new_tzname ("CST"));
  i_cal_component_take_component (zone, standard);
  return zone;
}

static void
add_x_property (ICalComponent *component,
                const char    *name,
                const char    *value)
{
  g_autofree char *clean = clean_text (value);
  ICalProperty *property = i_cal_property_new_x (clean);

  i_cal_property_set_x_name (property, name);
  i_cal_component_take_property (component, property);
}

static ICalComponent *
new_event (EvgMeeting *meeting,
           ICalTime   *stamp,
           GError    **error)
{
  ICalComponent *event = i_cal_component_new_vevent ();
  const EvgChoice *kind = evg_column_spec_find_choice (&evg_meeting_table.columns[EVG_MEETING_TYPE],
                                                       evg_meeting_get (meeting, EVG_MEETING_TYPE));
  const char *kind_name = kind != NULL ? kind->chinese : NULL;
  const char *title = evg_meeting_get (meeting, EVG_MEETING_TITLE);
  const char *ends = evg_meeting_get (meeting, EVG_MEETING_ENDS_AT);
  g_autofree char *uid = evg_meeting_ics_uid (evg_meeting_get_id (meeting));
  gboolean cancelled = g_strcmp0 (evg_meeting_get (meeting, EVG_MEETING_STATUS), "cancelled") == 0;

  i_cal_component_take_property (event, i_cal_property_new_uid (uid));
  i_cal_component_take_property (event, i_cal_property_new_dtstamp (stamp));
  if (!add_local_time (event, i_cal_property_new_dtstart,
                       evg_meeting_get (meeting, EVG_MEETING_STARTS_AT)) ||
      (ends != NULL && !add_local_time (event, i_cal_property_new_dtend, ends)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The meeting %s has a time that cannot be read."), evg_meeting_get_id (meeting));
      g_object_unref (event);
      return NULL;
    }
  add_text (event, i_cal_property_new_summary, title != NULL ? title : kind_name);
  add_text (event, i_cal_property_new_location, evg_meeting_get (meeting, EVG_MEETING_PLACE));
  add_text (event, i_cal_property_new_description, evg_meeting_get (meeting, EVG_MEETING_AGENDA));
  add_text (event, i_cal_property_new_categories, kind_name);
  i_cal_component_take_property (event, i_cal_property_new_status (cancelled ? I_CAL_STATUS_CANCELLED
                                                                             : I_CAL_STATUS_CONFIRMED));
  return event;
}

/**
 * evg_meeting_ics_export:
 * @meetings: (element-type EvgMeeting): the meetings, stored ones (each
 *   with its id)
 * @calendar_name: (nullable): the name calendars show for the file, such as
 *   the branch's name
 * @stamp: (nullable): the time of the export (DTSTAMP); %NULL for now
 *
 * Returns: (transfer full) (nullable): the iCalendar text, lines ending
 *   in CR LF, or %NULL when a meeting's time cannot be read
 */
char *
evg_meeting_ics_export (GPtrArray   *meetings,
                        const char  *calendar_name,
                        GDateTime   *stamp,
                        GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  ICalComponent *calendar;
  ICalTime *dtstamp;
  char *text = NULL;
  guint i;

  g_return_val_if_fail (meetings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* libical-glib 3.0 has no g_autoptr() for its types: they are freed by hand. */
  now = stamp != NULL ? g_date_time_ref (stamp) : g_date_time_new_now_utc ();
  dtstamp = i_cal_time_new_from_timet_with_zone ((time_t) g_date_time_to_unix (now), FALSE,
                                                 i_cal_timezone_get_utc_timezone ());
  calendar = i_cal_component_new_vcalendar ();
  i_cal_component_take_property (calendar, i_cal_property_new_prodid (PRODID));
  i_cal_component_take_property (calendar, i_cal_property_new_version ("2.0"));
  i_cal_component_take_property (calendar, i_cal_property_new_calscale ("GREGORIAN"));
  i_cal_component_take_property (calendar, i_cal_property_new_method (I_CAL_METHOD_PUBLISH));
  if (calendar_name != NULL)
    add_x_property (calendar, "X-WR-CALNAME", calendar_name);
  add_x_property (calendar, "X-WR-TIMEZONE", EVG_MEETING_ICS_TZID);
  i_cal_component_take_component (calendar, new_timezone ());

  for (i = 0; i < meetings->len; i++)
    {
      ICalComponent *event = new_event (g_ptr_array_index (meetings, i), dtstamp, error);

      if (event == NULL)
        break;
      i_cal_component_take_component (calendar, event);
    }
  if (i == meetings->len)
    text = i_cal_component_as_ical_string (calendar);
  g_object_unref (calendar);
  g_object_unref (dtstamp);
  return text;
}

/**
 * evg_meeting_ics_save:
 * @path: the file to write; it is replaced whole or not at all
 *
 * Writes evg_meeting_ics_export() of @meetings, stamped now, to @path.
 */
gboolean
evg_meeting_ics_save (GPtrArray   *meetings,
                      const char  *calendar_name,
                      const char  *path,
                      GError     **error)
{
  /* The reasons a user can act on.  GLib's own message names the
   * temporary file it writes first, which the user never asked for. */
  static const int reasons[] = { ENOENT, ENOTDIR, EACCES, EPERM, EROFS, EISDIR, ENOSPC, ENAMETOOLONG };
  g_autofree char *text = evg_meeting_ics_export (meetings, calendar_name, NULL, error);
  g_autoptr(GError) local = NULL;

  if (text == NULL)
    return FALSE;
  if (g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (local->domain == G_FILE_ERROR && local->code == (int) g_file_error_from_errno (reasons[i]))
      {
        g_set_error (error, G_FILE_ERROR, local->code, _("Could not write “%s”: %s."), path,
                     g_strerror (reasons[i]));
        return FALSE;
      }
  g_set_error (error, local->domain, local->code, _("Could not write “%s”: %s"), path, local->message);
  return FALSE;
}
