/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-whistle"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-whistle.h"

/* The service categories used in practice (DOMAIN.md). */
static const EvgChoice category_choices[] = {
  { "organisation", N_("Organisation Building"), "组织建设" },
  { "legal", N_("Legal Advice and Aid"), "法律咨询与援助" },
  { "assistance", N_("Hardship, Disability and Job Help"), "助困扶残与就业援助" },
  { "governance", N_("Community Governance"), "社区治理" },
  { "health", N_("Health and Medical Care"), "健康医疗" },
  { "culture", N_("Culture and Sports"), "文化体育" },
  { "safety", N_("Safety Campaigns and Patrols"), "安全宣传与治安巡逻" },
  { "other", N_("Other"), "其他" },
};

static const EvgChoice urgency_choices[] = {
  { "normal", N_("Routine"), "一般" },
  { "urgent", N_("Urgent"), "紧急" },
  { "emergency", N_("Emergency"), "特急" },
};

static const EvgChoice status_choices[] = {
  { "open", N_("Open"), "报到中" },
  { "full", N_("Full"), "已满员" },
  { "closed", N_("Closed"), "已结束" },
  { "cancelled", N_("Cancelled"), "已取消" },
};

#define CHOICES(array) .choices = array, .n_choices = G_N_ELEMENTS (array)

static const EvgColumnSpec whistle_columns[EVG_WHISTLE_N_FIELDS] = {
  [EVG_WHISTLE_TITLE] = {
    .name = "title", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "title", .header = "事项", .label = N_("Title"),
  },
  [EVG_WHISTLE_DESCRIPTION] = {
    .name = "description", .type = EVG_COLUMN_TEXT, .max_chars = 2000, .kind = EVG_FIELD_KIND_TEXT,
    .field = "description", .header = "说明", .label = N_("Description"),
  },
  [EVG_WHISTLE_CATEGORY] = {
    .name = "category", .type = EVG_COLUMN_TEXT, .max_chars = 32, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "category", .header = "服务类别", .label = N_("Category"), CHOICES (category_choices),
  },
  [EVG_WHISTLE_PLACE] = {
    .name = "place", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "place", .header = "社区/地点", .label = N_("Community or Place"),
  },
  [EVG_WHISTLE_STARTS_AT] = {
    .name = "starts_at", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "starts_at", .header = "开始时间", .label = N_("Starts"),
  },
  [EVG_WHISTLE_ENDS_AT] = {
    .name = "ends_at", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "ends_at", .header = "结束时间", .label = N_("Ends"),
  },
  [EVG_WHISTLE_NEEDED] = {
    .name = "needed", .type = EVG_COLUMN_INT, .min = 0, .max = 100000,
    .kind = EVG_FIELD_KIND_NUMBER, .field = "needed", .header = "需要人数",
    .label = N_("People Needed"),
  },
  [EVG_WHISTLE_RAISED_BY] = {
    .name = "raised_by", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "raised_by", .header = "吹哨单位", .label = N_("Raised By"),
  },
  [EVG_WHISTLE_URGENCY] = {
    .name = "urgency", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "urgency", .header = "紧急程度", .label = N_("Urgency"), CHOICES (urgency_choices),
  },
  [EVG_WHISTLE_STATUS] = {
    .name = "status", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "status", .header = "状态", .label = N_("Status"), CHOICES (status_choices),
  },
};

/* A whistle is open until enough members reported (full, and open again
 * when one is taken off), then closed when the work is done, or
 * cancelled.  A closed or cancelled whistle is final; its check-ins keep
 * only their departure and confirmation writable (see evg-checkin.c). */
const EvgTableSpec evg_whistle_table = {
  .name = "whistle",
  .label = N_("Whistle"),
  .columns = whistle_columns,
  .n_columns = G_N_ELEMENTS (whistle_columns),
  .policy = EVG_MERGE_FIELD_LWW,
  .insert_keeps_values = TRUE,
  .state_column = "status",
  .initial_state = "open",
  .transitions = (const char * const[]) {
    "open>full", "full>open", "open>closed", "full>closed", "open>cancelled", "full>cancelled", NULL
  },
  .locked_states = (const char * const[]) { "closed", "cancelled", NULL },
};

const EvgColumnSpec *
evg_whistle_field_get_info (EvgWhistleField field)
{
  g_return_val_if_fail (field < EVG_WHISTLE_N_FIELDS, NULL);
  return &whistle_columns[field];
}

/* Whether members may still report to it: open or full. */
gboolean
evg_whistle_is_active (EvgRecord *whistle)
{
  const char *status = evg_record_get (whistle, EVG_WHISTLE_STATUS);

  return g_strcmp0 (status, "open") == 0 || g_strcmp0 (status, "full") == 0;
}

/* Whether its time is over at @now (YYYY-MM-DD HH:MM), or it was closed. */
gboolean
evg_whistle_has_ended (EvgRecord  *whistle,
                       const char *now)
{
  const char *ends = evg_record_get (whistle, EVG_WHISTLE_ENDS_AT);

  if (!evg_whistle_is_active (whistle))
    return TRUE;
  return ends != NULL && now != NULL && strcmp (ends, now) <= 0;
}

/* How many members it asks for; 0 when it does not say. */
guint
evg_whistle_get_needed (EvgRecord *whistle)
{
  const char *needed = evg_record_get (whistle, EVG_WHISTLE_NEEDED);

  return needed != NULL ? (guint) g_ascii_strtoull (needed, NULL, 10) : 0;
}

/**
 * evg_whistle_validate:
 *
 * Returns: (transfer full) (element-type utf8): the rules @whistle breaks,
 *   each a sentence for the secretary; empty when none
 */
GPtrArray *
evg_whistle_validate (EvgRecord *whistle)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  const char *starts = evg_record_get (whistle, EVG_WHISTLE_STARTS_AT);
  const char *ends = evg_record_get (whistle, EVG_WHISTLE_ENDS_AT);

  if (evg_record_get (whistle, EVG_WHISTLE_TITLE) == NULL)
    g_ptr_array_add (problems, g_strdup (_("Say what the whistle is for.")));
  if (evg_record_get (whistle, EVG_WHISTLE_CATEGORY) == NULL)
    g_ptr_array_add (problems, g_strdup (_("Choose the service category.")));
  if (starts == NULL || ends == NULL)
    g_ptr_array_add (problems, g_strdup (_("Enter when the service starts and ends.")));
  evg_record_check_values (whistle, problems);
  if (problems->len == 0 && strcmp (ends, starts) <= 0)
    g_ptr_array_add (problems, g_strdup (_("The service must end after it starts.")));
  return problems;
}

/**
 * evg_whistle_category_from_text:
 * @text: a category code, or its Chinese name
 *
 * Returns: (nullable): the category's code
 */
const char *
evg_whistle_category_from_text (const char *text)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (category_choices); i++)
    if (g_str_equal (text, category_choices[i].code) || g_str_equal (text, category_choices[i].chinese))
      return category_choices[i].code;
  return NULL;
}
