/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-resolution"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-meeting.h"
#include "evg-resolution.h"

#define VOTES(column, json, chinese, english) \
  [column] = { \
    .name = json, .type = EVG_COLUMN_INT, .min = 0, .max = 1000000, \
    .kind = EVG_FIELD_KIND_NUMBER, .field = json, .header = chinese, .label = english, \
  }

static const EvgColumnSpec resolution_columns[EVG_RESOLUTION_N_FIELDS] = {
  [EVG_RESOLUTION_MEETING_ID] = {
    .name = "meeting_id", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 64, .kind = EVG_FIELD_KIND_REFERENCE,
    .field = "meeting_id", .header = "会议", .label = N_("Meeting"),
  },
  [EVG_RESOLUTION_POSITION] = {
    .name = "position", .type = EVG_COLUMN_INT, .min = 0, .max = 1000,
    .kind = EVG_FIELD_KIND_NUMBER, .field = "position", .header = "序号", .label = N_("Number"),
  },
  [EVG_RESOLUTION_TEXT] = {
    .name = "text", .type = EVG_COLUMN_TEXT, .max_chars = 2000, .kind = EVG_FIELD_KIND_TEXT,
    .field = "text", .header = "决议", .label = N_("Resolution"),
  },
  VOTES (EVG_RESOLUTION_VOTES_FOR, "votes_for", "赞成", N_("For")),
  VOTES (EVG_RESOLUTION_VOTES_AGAINST, "votes_against", "反对", N_("Against")),
  VOTES (EVG_RESOLUTION_VOTES_ABSTAIN, "votes_abstain", "弃权", N_("Abstaining")),
};

const EvgTableSpec evg_resolution_table = {
  .name = "resolution",
  .label = N_("Resolution"),
  .columns = resolution_columns,
  .n_columns = G_N_ELEMENTS (resolution_columns),
  .policy = EVG_MERGE_FIELD_LWW,
  .parent = &evg_meeting_table,
  .parent_column = "meeting_id",
};
