/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-checkin"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-validate.h"
#include "evg-checkin.h"
#include "evg-whistle.h"

static const EvgChoice source_choices[] = {
  { "kiosk", N_("Kiosk"), "现场签到" },
  { "manual", N_("Entered by Hand"), "手工登记" },
  { "import", N_("Imported"), "导入" },
};

#define CHOICES(array) .choices = array, .n_choices = G_N_ELEMENTS (array)

static const EvgColumnSpec checkin_columns[EVG_CHECKIN_N_FIELDS] = {
  [EVG_CHECKIN_WHISTLE_ID] = {
    .name = "whistle_id", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 64, .kind = EVG_FIELD_KIND_REFERENCE,
    .field = "whistle_id", .header = "吹哨事项", .label = N_("Whistle"),
  },
  [EVG_CHECKIN_MEMBER_ID] = {
    .name = "member_id", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 64, .kind = EVG_FIELD_KIND_REFERENCE,
    .field = "member_id", .header = "党员", .label = N_("Member"),
  },
  [EVG_CHECKIN_REPORTED_AT] = {
    .name = "reported_at", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_EARLIEST,
    .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "reported_at", .header = "报到时间", .label = N_("Reported"),
  },
  [EVG_CHECKIN_ARRIVED_AT] = {
    .name = "arrived_at", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_EARLIEST,
    .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "arrived_at", .header = "到达时间", .label = N_("Arrived"),
  },
  [EVG_CHECKIN_LEFT_AT] = {
    .name = "left_at", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_LATEST,
    .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "left_at", .header = "离开时间", .label = N_("Left"),
  },
  [EVG_CHECKIN_SOURCE] = {
    .name = "source", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "source", .header = "登记方式", .label = N_("Recorded Through"), CHOICES (source_choices),
  },
  [EVG_CHECKIN_RECORDED_BY] = {
    .name = "recorded_by", .type = EVG_COLUMN_TEXT, .max_chars = 50, .kind = EVG_FIELD_KIND_TEXT,
    .field = "recorded_by", .header = "登记人", .label = N_("Recorded By"),
  },
  [EVG_CHECKIN_CONFIRMED] = {
    .name = "confirmed", .type = EVG_COLUMN_INT, .min = 0, .max = 1,
    .kind = EVG_FIELD_KIND_BOOLEAN, .field = "confirmed", .header = "社区确认",
    .label = N_("Confirmed by the Community"),
  },
  [EVG_CHECKIN_NOTE] = {
    .name = "note", .type = EVG_COLUMN_TEXT, .max_chars = 500, .kind = EVG_FIELD_KIND_TEXT,
    .field = "note", .header = "备注", .label = N_("Note"),
  },
};

/* One per whistle and member; final with its whistle, except what is put
 * right after the work: a forgotten departure, the confirmation, a note. */
const EvgTableSpec evg_checkin_table = {
  .name = "checkin",
  .label = N_("Check-in"),
  .columns = checkin_columns,
  .n_columns = G_N_ELEMENTS (checkin_columns),
  .policy = EVG_MERGE_FIELD_LWW,
  .key_columns = (const char * const[]) { "whistle_id", "member_id", NULL },
  .parent = &evg_whistle_table,
  .parent_column = "whistle_id",
  .parent_lock_exempt = (const char * const[]) { "left_at", "confirmed", "note", NULL },
};

const EvgColumnSpec *
evg_checkin_field_get_info (EvgCheckinField field)
{
  g_return_val_if_fail (field < EVG_CHECKIN_N_FIELDS, NULL);
  return &checkin_columns[field];
}

char *
evg_checkin_make_id (const char *whistle_id,
                     const char *member_id)
{
  const char *key[] = { whistle_id, member_id, NULL };

  return evg_table_spec_make_key_id (&evg_checkin_table, key);
}

/**
 * evg_checkin_count_minutes:
 * @arrived_at: (nullable): when the member arrived
 * @left_at: (nullable): when they left
 * @cap: (nullable): when the whistle ended, if it has: the departure of a
 *   member who forgot to check out
 *
 * The service time one check-in counts: from arrival to departure (or to
 * @cap when there is none), never below 0 nor above a day.  The SQL
 * function evg_service_minutes() of the check-in service is this.
 *
 * Returns: minutes, or -1 while the member is still there (or never came)
 */
int
evg_checkin_count_minutes (const char *arrived_at,
                           const char *left_at,
                           const char *cap)
{
  gint64 from = evg_parse_minute (arrived_at);
  gint64 to = evg_parse_minute (left_at != NULL && *left_at != '\0' ? left_at : cap);

  if (from < 0 || to < 0)
    return -1;
  return (int) CLAMP (to - from, 0, EVG_CHECKIN_MAX_MINUTES);
}

const char *
evg_checkin_source_get_label (const char *source)
{
  const EvgChoice *choice = evg_column_spec_find_choice (&checkin_columns[EVG_CHECKIN_SOURCE], source);

  return choice != NULL ? _(choice->label) : "";
}
