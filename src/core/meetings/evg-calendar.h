/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-attendee.h"
#include "evg-meeting.h"
#include "evg-quorum.h"
#include "evg-store.h"

G_BEGIN_DECLS

/* The branch's meetings: the service of the calendar page and of the
 * `meetings` commands.  It keeps every meeting in a list model sorted by
 * its start, and reads attendance, resolutions and corrections from the
 * store as they are asked for. */

#define EVG_CALENDAR_ERROR (evg_calendar_error_quark ())

typedef enum
{
  EVG_CALENDAR_ERROR_INVALID,     /* the record breaks a rule; see the message */
  EVG_CALENDAR_ERROR_NOT_FOUND,
  EVG_CALENDAR_ERROR_LOCKED,      /* signed or archived */
  EVG_CALENDAR_ERROR_NOT_DUE,     /* attendance of a member not due to attend */
} EvgCalendarError;

/* How often a type must meet (DOMAIN.md): the period compliance counts in. */
typedef enum
{
  EVG_PERIOD_MONTH,
  EVG_PERIOD_QUARTER,
  EVG_PERIOD_HALF_YEAR,
  EVG_PERIOD_YEAR,
} EvgPeriod;

typedef enum
{
  EVG_COMPLIANCE_MET,
  EVG_COMPLIANCE_MISSED,
  EVG_COMPLIANCE_OPEN,      /* the period has not ended yet */
} EvgComplianceStatus;

typedef struct
{
  EvgMeetingKind       kind;
  char                *party_group_id;  /* for a type that meets per group */
  char                *party_group_name;
  char                *period;          /* 2026-03, 2026-Q1, 2026-H1 or 2026 */
  char                *first_day;       /* YYYY-MM-DD */
  char                *last_day;
  guint                required;
  guint                held;
  EvgComplianceStatus  status;
  int                  days_left;       /* for an open period: days until it ends */
} EvgCompliance;

typedef struct
{
  char   *id;
  int     position;
  char   *text;
  gint64  votes_for;       /* -1: not voted on */
  gint64  votes_against;
  gint64  votes_abstain;
} EvgResolutionInfo;

typedef struct
{
  char *id;
  char *written_on;
  char *author;
  char *text;
} EvgAddendumInfo;

/* A member's last twelve months of meetings. */
typedef struct
{
  guint recorded;         /* meetings with the member's attendance marked */
  guint present;
  guint absent;           /* 缺席, without leave */
  guint on_leave;
  guint open_makeup;      /* absences and leave with 补学 not yet done */
} EvgAttendanceSummary;

#define EVG_TYPE_CALENDAR (evg_calendar_get_type ())
G_DECLARE_FINAL_TYPE (EvgCalendar, evg_calendar, EVG, CALENDAR, GObject)

GQuark        evg_calendar_error_quark      (void);
EvgCalendar  *evg_calendar_new              (EvgStore      *store,
                                             GError       **error);
EvgStore     *evg_calendar_get_store        (EvgCalendar   *self);
void          evg_calendar_set_half_is_enough (EvgCalendar *self,
                                             gboolean       half_is_enough);
void          evg_calendar_set_lecture_period (EvgCalendar *self,
                                             EvgPeriod      period);
EvgPeriod     evg_calendar_get_period       (EvgCalendar   *self,
                                             EvgMeetingKind kind);

/* Meetings */
GListModel   *evg_calendar_get_meetings     (EvgCalendar   *self);
EvgMeeting   *evg_calendar_lookup           (EvgCalendar   *self,
                                             const char    *id);
GPtrArray    *evg_calendar_list_between     (EvgCalendar   *self,
                                             const char    *first_day,
                                             const char    *last_day);
char         *evg_calendar_save             (EvgCalendar   *self,
                                             EvgMeeting    *meeting,
                                             const char    *now,
                                             GError       **error);
gboolean      evg_calendar_delete           (EvgCalendar   *self,
                                             const char    *id,
                                             GError       **error);
gboolean      evg_calendar_sign             (EvgCalendar   *self,
                                             const char    *id,
                                             const char    *chair,
                                             const char    *recorder,
                                             const char    *now,
                                             GError       **error);
guint         evg_calendar_archive_year     (EvgCalendar   *self,
                                             int            year,
                                             GError       **error);

/* Attendance */
GListModel   *evg_calendar_build_sheet      (EvgCalendar   *self,
                                             EvgMeeting    *meeting,
                                             GError       **error);
char         *evg_calendar_find_member      (EvgCalendar   *self,
                                             const char    *id_number,
                                             GError       **error);
char         *evg_calendar_find_party_group (EvgCalendar  *self,
                                             const char    *name,
                                             GError       **error);
char         *evg_calendar_dup_party_group_name (EvgCalendar *self,
                                             const char    *id,
                                             GError       **error);
EvgAttendee  *evg_calendar_find_attendee    (GListModel    *sheet,
                                             const char    *member_id);
void          evg_calendar_count_quorum     (EvgCalendar   *self,
                                             GListModel    *sheet,
                                             EvgQuorum     *quorum);
gboolean      evg_calendar_save_attendance  (EvgCalendar   *self,
                                             EvgMeeting    *meeting,
                                             EvgAttendee   *attendee,
                                             GError       **error);
gboolean      evg_calendar_record_makeup    (EvgCalendar   *self,
                                             EvgMeeting    *meeting,
                                             EvgAttendee   *attendee,
                                             const char    *day,
                                             GError       **error);
guint         evg_calendar_mark_all_present (EvgCalendar   *self,
                                             EvgMeeting    *meeting,
                                             GListModel    *sheet,
                                             GError       **error);
gboolean      evg_calendar_summarize_member (EvgCalendar   *self,
                                             const char    *member_id,
                                             const char    *today,
                                             EvgAttendanceSummary *summary,
                                             GError       **error);
GHashTable   *evg_calendar_attendance_rates (EvgCalendar   *self,
                                             const char    *today,
                                             GError       **error);

/* Resolutions and corrections */
GPtrArray    *evg_calendar_list_resolutions (EvgCalendar   *self,
                                             const char    *meeting_id,
                                             GError       **error);
char         *evg_calendar_save_resolution  (EvgCalendar   *self,
                                             EvgMeeting    *meeting,
                                             EvgResolutionInfo *resolution,
                                             const EvgQuorum *quorum,
                                             GError       **error);
gboolean      evg_calendar_delete_resolution (EvgCalendar  *self,
                                             const char    *id,
                                             GError       **error);
GPtrArray    *evg_calendar_list_addenda     (EvgCalendar   *self,
                                             const char    *meeting_id,
                                             GError       **error);
char         *evg_calendar_add_addendum     (EvgCalendar   *self,
                                             EvgMeeting    *meeting,
                                             const char    *author,
                                             const char    *text,
                                             const char    *today,
                                             GError       **error);

/* Compliance */
GPtrArray    *evg_calendar_compliance       (EvgCalendar   *self,
                                             int            year,
                                             const char    *today,
                                             GError       **error);
char         *evg_period_format             (EvgPeriod      period,
                                             int            year,
                                             int            index);
const char   *evg_compliance_status_to_string (EvgComplianceStatus status);

void          evg_resolution_info_free      (EvgResolutionInfo *info);
void          evg_addendum_info_free        (EvgAddendumInfo   *info);
void          evg_compliance_free           (EvgCompliance     *compliance);

G_END_DECLS
