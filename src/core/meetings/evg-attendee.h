/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "evg-attendance.h"

G_BEGIN_DECLS

/* A line of a meeting's attendance sheet: a member due to attend (or one
 * with an attendance record of the meeting) and what was recorded. */

#define EVG_TYPE_ATTENDEE (evg_attendee_get_type ())
G_DECLARE_FINAL_TYPE (EvgAttendee, evg_attendee, EVG, ATTENDEE, GObject)

EvgAttendee *evg_attendee_new             (const char         *member_id,
                                           const char         *name,
                                           const char         *party_group_id,
                                           gboolean            voting);
const char  *evg_attendee_get_member_id   (EvgAttendee        *self);
const char  *evg_attendee_get_name        (EvgAttendee        *self);
const char  *evg_attendee_get_party_group_id (EvgAttendee     *self);
gboolean     evg_attendee_get_voting      (EvgAttendee        *self);
gboolean     evg_attendee_get_due         (EvgAttendee        *self);
void         evg_attendee_set_due         (EvgAttendee        *self,
                                           gboolean            due);
gboolean     evg_attendee_get_recorded    (EvgAttendee        *self);
const char  *evg_attendee_get             (EvgAttendee        *self,
                                           EvgAttendanceField  field);
void         evg_attendee_set             (EvgAttendee        *self,
                                           EvgAttendanceField  field,
                                           const char         *value);
void         evg_attendee_set_recorded    (EvgAttendee        *self,
                                           gboolean            recorded);
gboolean     evg_attendee_counts          (EvgAttendee        *self);
gboolean     evg_attendee_is_present      (EvgAttendee        *self);

G_END_DECLS
