/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-meeting-addendum"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-meeting-addendum.h"

static const EvgColumnSpec addendum_columns[EVG_MEETING_ADDENDUM_N_FIELDS] = {
  [EVG_MEETING_ADDENDUM_MEETING_ID] = {
    .name = "meeting_id", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 64, .kind = EVG_FIELD_KIND_REFERENCE,
    .field = "meeting_id", .header = "会议", .label = N_("Meeting"),
  },
  [EVG_MEETING_ADDENDUM_WRITTEN_ON] = {
    .name = "written_on", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 10, .kind = EVG_FIELD_KIND_DATE,
    .field = "written_on", .header = "日期", .label = N_("Date"),
  },
  [EVG_MEETING_ADDENDUM_AUTHOR] = {
    .name = "author", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 50, .kind = EVG_FIELD_KIND_TEXT,
    .field = "author", .header = "补正人", .label = N_("Written By"),
  },
  [EVG_MEETING_ADDENDUM_TEXT] = {
    .name = "text", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 5000, .kind = EVG_FIELD_KIND_TEXT,
    .field = "text", .header = "补正内容", .label = N_("Correction"),
  },
};

const EvgTableSpec evg_meeting_addendum_table = {
  .name = "meeting_addendum",
  .label = N_("Correction"),
  .columns = addendum_columns,
  .n_columns = G_N_ELEMENTS (addendum_columns),
  .policy = EVG_MERGE_APPEND_ONLY,
  .insert_keeps_values = TRUE,
};
