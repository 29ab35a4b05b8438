/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-attendance"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-attendance.h"
#include "evg-meeting.h"

static const EvgChoice status_choices[] = {
  { "present", N_("Present"), "出席" },
  { "late", N_("Late"), "迟到" },
  { "leave", N_("On Leave"), "请假" },
  { "absent", N_("Absent"), "缺席" },
};

/* Why a member is left out of those due to attend (DOMAIN.md): only these. */
static const EvgChoice excluded_choices[] = {
  { "illness", N_("Long illness"), "长期患病" },
  { "abroad", N_("Abroad over six months"), "出国（境）半年以上" },
  { "sentence", N_("Serving a sentence"), "正在服刑" },
  { "away", N_("Away over six months without transferring"), "外出半年以上未转关系" },
};

#define CHOICES(array) .choices = array, .n_choices = G_N_ELEMENTS (array)

static const EvgColumnSpec attendance_columns[EVG_ATTENDANCE_N_FIELDS] = {
  [EVG_ATTENDANCE_MEETING_ID] = {
    .name = "meeting_id", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 64, .kind = EVG_FIELD_KIND_REFERENCE,
    .field = "meeting_id", .header = "会议", .label = N_("Meeting"),
  },
  [EVG_ATTENDANCE_MEMBER_ID] = {
    .name = "member_id", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 64, .kind = EVG_FIELD_KIND_REFERENCE,
    .field = "member_id", .header = "党员", .label = N_("Member"),
  },
  [EVG_ATTENDANCE_STATUS] = {
    .name = "status", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "status", .header = "出勤", .label = N_("Attendance"), CHOICES (status_choices),
  },
  [EVG_ATTENDANCE_REASON] = {
    .name = "reason", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "reason", .header = "原因", .label = N_("Reason"),
  },
  [EVG_ATTENDANCE_APPROVED_BY] = {
    .name = "approved_by", .type = EVG_COLUMN_TEXT, .max_chars = 50, .kind = EVG_FIELD_KIND_TEXT,
    .field = "approved_by", .header = "准假人", .label = N_("Leave Approved By"),
  },
  [EVG_ATTENDANCE_EXCLUDED_REASON] = {
    .name = "excluded_reason", .type = EVG_COLUMN_TEXT, .max_chars = 16,
    .kind = EVG_FIELD_KIND_CHOICE, .field = "excluded_reason", .header = "不计入应到原因",
    .label = N_("Not Due Because"), CHOICES (excluded_choices),
  },
  [EVG_ATTENDANCE_MAKEUP_DONE_ON] = {
    .name = "makeup_done_on", .type = EVG_COLUMN_TEXT, .max_chars = 10, .kind = EVG_FIELD_KIND_DATE,
    .field = "makeup_done_on", .header = "补学日期", .label = N_("Make-up Study Done"),
  },
};

/* Last writer wins per field; the record is final with its meeting. */
const EvgTableSpec evg_attendance_table = {
  .name = "attendance",
  .label = N_("Attendance"),
  .columns = attendance_columns,
  .n_columns = G_N_ELEMENTS (attendance_columns),
  .policy = EVG_MERGE_FIELD_LWW,
  .key_columns = (const char * const[]) { "meeting_id", "member_id", NULL },
  .parent = &evg_meeting_table,
  .parent_column = "meeting_id",
  /* 补学 is done after the meeting, often after its record is signed. */
  .parent_lock_exempt = (const char * const[]) { "makeup_done_on", NULL },
};

const EvgColumnSpec *
evg_attendance_field_get_info (EvgAttendanceField field)
{
  g_return_val_if_fail (field < EVG_ATTENDANCE_N_FIELDS, NULL);
  return &attendance_columns[field];
}

/* Whether @status counts as present: 出席 and 迟到 do. */
gboolean
evg_attendance_status_is_present (const char *status)
{
  return g_strcmp0 (status, "present") == 0 || g_strcmp0 (status, "late") == 0;
}

/**
 * evg_attendance_status_from_text:
 * @text: a status code, or its Chinese name
 *
 * Returns: (nullable): the status code @text names
 */
const char *
evg_attendance_status_from_text (const char *text)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (status_choices); i++)
    if (g_str_equal (text, status_choices[i].code) || g_str_equal (text, status_choices[i].chinese))
      return status_choices[i].code;
  return NULL;
}
