/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "evg-field-set.h"
#include "evg-schema.h"

G_BEGIN_DECLS

/* A meeting of the branch (三会一课 and the other activities of DOMAIN.md):
 * planned, held, cancelled, then signed by its chair and recorder, after
 * which it and everything recorded with it is locked. */

typedef enum
{
  EVG_MEETING_TYPE,
  EVG_MEETING_TITLE,
  EVG_MEETING_STARTS_AT,
  EVG_MEETING_ENDS_AT,
  EVG_MEETING_PLACE,
  EVG_MEETING_CHAIR,
  EVG_MEETING_RECORDER,
  EVG_MEETING_PARTY_GROUP_ID,
  EVG_MEETING_AGENDA,
  EVG_MEETING_MINUTES,
  EVG_MEETING_OBSERVERS,
  EVG_MEETING_IS_ELECTION,
  EVG_MEETING_STATUS,
  EVG_MEETING_SIGNED_AT,
  EVG_MEETING_PLAN_KEY,
  EVG_MEETING_N_FIELDS
} EvgMeetingField;

/* The types, in DOMAIN.md's order; their codes are the stored values. */
typedef enum
{
  EVG_MEETING_KIND_GENERAL,     /* general_meeting 支部党员大会 */
  EVG_MEETING_KIND_COMMITTEE,   /* committee 支部委员会 */
  EVG_MEETING_KIND_GROUP,       /* group_meeting 党小组会 */
  EVG_MEETING_KIND_LECTURE,     /* lecture 党课 */
  EVG_MEETING_KIND_THEME_DAY,   /* theme_day 主题党日 */
  EVG_MEETING_KIND_LIFE,        /* life_meeting 组织生活会 */
  EVG_MEETING_N_KINDS
} EvgMeetingKind;

extern const EvgTableSpec evg_meeting_table;

#define EVG_TYPE_MEETING (evg_meeting_get_type ())
G_DECLARE_FINAL_TYPE (EvgMeeting, evg_meeting, EVG, MEETING, GObject)

EvgMeeting     *evg_meeting_new             (const char      *id);
const char     *evg_meeting_get_id          (EvgMeeting      *self);
const char     *evg_meeting_get             (EvgMeeting      *self,
                                             EvgMeetingField  field);
void            evg_meeting_set             (EvgMeeting      *self,
                                             EvgMeetingField  field,
                                             const char      *value);
EvgMeetingKind  evg_meeting_get_kind        (EvgMeeting      *self);
char           *evg_meeting_dup_day         (EvgMeeting      *self);
gboolean        evg_meeting_is_locked       (EvgMeeting      *self);
gboolean        evg_meeting_is_held         (EvgMeeting      *self);
char           *evg_meeting_dup_display_title (EvgMeeting    *self);
EvgMeeting     *evg_meeting_copy            (EvgMeeting      *self);
EvgFieldSet    *evg_meeting_diff            (EvgMeeting      *self,
                                             EvgMeeting      *stored);
GPtrArray      *evg_meeting_validate        (EvgMeeting      *self,
                                             const char      *now);

const char     *evg_meeting_kind_to_code    (EvgMeetingKind   kind);
int             evg_meeting_kind_from_code  (const char      *code);
const char     *evg_meeting_kind_get_label  (EvgMeetingKind   kind);
const char     *evg_meeting_status_get_label (const char     *status);

G_END_DECLS
