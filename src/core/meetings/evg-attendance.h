/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-schema.h"

G_BEGIN_DECLS

/* One member's attendance at one meeting: one record per (meeting,
 * member), its id made from the two (EvgTableSpec.key_columns), so that
 * two workstations marking the same member offline mark one record. */

typedef enum
{
  EVG_ATTENDANCE_MEETING_ID,
  EVG_ATTENDANCE_MEMBER_ID,
  EVG_ATTENDANCE_STATUS,
  EVG_ATTENDANCE_REASON,
  EVG_ATTENDANCE_APPROVED_BY,
  EVG_ATTENDANCE_EXCLUDED_REASON,
  EVG_ATTENDANCE_MAKEUP_DONE_ON,
  EVG_ATTENDANCE_N_FIELDS
} EvgAttendanceField;

extern const EvgTableSpec evg_attendance_table;

const EvgColumnSpec *evg_attendance_field_get_info (EvgAttendanceField field);
gboolean             evg_attendance_status_is_present (const char *status);
const char          *evg_attendance_status_from_text  (const char *text);

G_END_DECLS
