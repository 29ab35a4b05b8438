/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-feedback"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-feedback.h"

static const EvgChoice channel_choices[] = {
  { "walk_in", N_("Walk-in"), "来访" },
  { "phone", N_("Phone Call"), "来电" },
  { "web", N_("Web Form"), "网上留言" },
  { "hotline", N_("12345 Hotline Referral"), "12345转办" },
  { "letter", N_("Letter"), "来信" },
};

/* What residents write about most, as community offices sort it. */
static const EvgChoice category_choices[] = {
  { "sanitation", N_("Sanitation"), "环境卫生" },
  { "property", N_("Property Management"), "物业管理" },
  { "facilities", N_("Public Facilities"), "市政设施" },
  { "traffic", N_("Traffic and Parking"), "交通出行" },
  { "safety", N_("Public Safety"), "治安安全" },
  { "neighbours", N_("Neighbour Disputes"), "邻里纠纷" },
  { "welfare", N_("Social Welfare"), "社会保障" },
  { "other", N_("Other"), "其他" },
};

/* In the order a message moves through them: the merge keeps the furthest. */
static const EvgChoice status_choices[] = {
  { "new", N_("New"), "待处理" },
  { "assigned", N_("Assigned"), "已分派" },
  { "in_progress", N_("In Progress"), "办理中" },
  { "replied", N_("Replied"), "已答复" },
  { "closed", N_("Concluded"), "已办结" },
};

#define CHOICES(array) .choices = array, .n_choices = G_N_ELEMENTS (array)

static const EvgColumnSpec feedback_columns[EVG_FEEDBACK_N_FIELDS] = {
  [EVG_FEEDBACK_RECEIVED_AT] = {
    .name = "received_at", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "received_at", .header = "收到时间", .label = N_("Received"),
  },
  [EVG_FEEDBACK_CHANNEL] = {
    .name = "channel", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "channel", .header = "渠道", .label = N_("Channel"), CHOICES (channel_choices),
  },
  [EVG_FEEDBACK_FROM_NAME] = {
    .name = "from_name", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_PERSONAL,
    .max_chars = 50, .kind = EVG_FIELD_KIND_TEXT,
    .field = "from", .header = "留言人", .label = N_("Left By"),
  },
  [EVG_FEEDBACK_CONTACT] = {
    .name = "contact", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_PERSONAL,
    .max_chars = 20, .kind = EVG_FIELD_KIND_PHONE,
    .field = "contact", .header = "联系电话", .label = N_("Contact"),
  },
  [EVG_FEEDBACK_CATEGORY] = {
    .name = "category", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "category", .header = "类别", .label = N_("Category"), CHOICES (category_choices),
  },
  [EVG_FEEDBACK_CONTENT] = {
    .name = "content", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 2000, .kind = EVG_FIELD_KIND_TEXT,
    .field = "content", .header = "留言内容", .label = N_("Message"),
  },
  [EVG_FEEDBACK_PLACE] = {
    .name = "place", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "place", .header = "地点", .label = N_("Place"),
  },
  [EVG_FEEDBACK_STATUS] = {
    .name = "status", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_LATEST,
    .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "status", .header = "状态", .label = N_("Status"), CHOICES (status_choices),
  },
  [EVG_FEEDBACK_ASSIGNEE] = {
    .name = "assignee", .type = EVG_COLUMN_TEXT, .max_chars = 64, .kind = EVG_FIELD_KIND_REFERENCE,
    .field = "assignee", .header = "承办人", .label = N_("Assigned To"),
  },
  [EVG_FEEDBACK_RESPONSE_DUE] = {
    .name = "response_due", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "response_due", .header = "响应时限", .label = N_("Response Due"),
  },
  [EVG_FEEDBACK_RESOLUTION_DUE] = {
    .name = "resolution_due", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "resolution_due", .header = "办结时限", .label = N_("Resolution Due"),
  },
  [EVG_FEEDBACK_MERGED_INTO] = {
    .name = "merged_into", .type = EVG_COLUMN_TEXT, .max_chars = 64, .kind = EVG_FIELD_KIND_REFERENCE,
    .field = "merged_into", .header = "合并至", .label = N_("Merged Into"),
  },
};

/* Last writer wins per field, but for the status, which only moves
 * forward, and the message itself, which never changes. */
const EvgTableSpec evg_feedback_table = {
  .name = "feedback",
  .label = N_("Message"),
  .columns = feedback_columns,
  .n_columns = G_N_ELEMENTS (feedback_columns),
  .policy = EVG_MERGE_FIELD_LWW,
};

static const EvgChoice kind_choices[] = {
  { "assigned", N_("Assigned"), "分派" },
  { "reply", N_("Public Reply"), "答复" },
  { "note", N_("Internal Note"), "内部备注" },
  { "contacted", N_("Contacted the Resident"), "联系留言人" },
  { "waiting", N_("Waiting for the Resident"), "等待留言人" },
  { "resumed", N_("Resumed"), "恢复办理" },
  { "callback", N_("Callback"), "回访" },
  { "reopened", N_("Reopened by the Resident"), "留言人重新提出" },
  { "excluded", N_("Left Out of the Rates"), "不计入考核" },
  { "merged", N_("Merged"), "合并" },
  { "whistle", N_("Whistle Raised"), "吹哨" },
  { "agenda", N_("Put on the Agenda"), "列入议题" },
  { "closed", N_("Concluded"), "办结" },
};

static const EvgChoice resolved_choices[] = {
  { "yes", N_("Resolved"), "已解决" },
  { "partly", N_("Partly Resolved"), "部分解决" },
  { "no", N_("Not Resolved"), "未解决" },
};

static const EvgChoice satisfied_choices[] = {
  { "yes", N_("Satisfied"), "满意" },
  { "basically", N_("Basically Satisfied"), "基本满意" },
  { "no", N_("Dissatisfied"), "不满意" },
};

#define FIXED EVG_COLUMN_FLAG_IMMUTABLE

static const EvgColumnSpec event_columns[EVG_FEEDBACK_EVENT_N_FIELDS] = {
  [EVG_FEEDBACK_EVENT_FEEDBACK_ID] = {
    .name = "feedback_id", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 64,
    .kind = EVG_FIELD_KIND_REFERENCE, .field = "feedback_id", .header = "留言", .label = N_("Message"),
  },
  [EVG_FEEDBACK_EVENT_AT] = {
    .name = "at", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 16,
    .kind = EVG_FIELD_KIND_DATE_TIME, .field = "at", .header = "时间", .label = N_("When"),
  },
  [EVG_FEEDBACK_EVENT_KIND] = {
    .name = "kind", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 16,
    .kind = EVG_FIELD_KIND_CHOICE, .field = "kind", .header = "事项", .label = N_("What"),
    CHOICES (kind_choices),
  },
  [EVG_FEEDBACK_EVENT_TEXT] = {
    .name = "text", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 2000,
    .kind = EVG_FIELD_KIND_TEXT, .field = "text", .header = "内容", .label = N_("Text"),
  },
  [EVG_FEEDBACK_EVENT_AUTHOR] = {
    .name = "author", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 50,
    .kind = EVG_FIELD_KIND_TEXT, .field = "author", .header = "经办人", .label = N_("By"),
  },
  [EVG_FEEDBACK_EVENT_ASSIGNEE] = {
    .name = "assignee", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 64,
    .kind = EVG_FIELD_KIND_REFERENCE, .field = "assignee", .header = "承办人", .label = N_("Assigned To"),
  },
  [EVG_FEEDBACK_EVENT_RESOLVED] = {
    .name = "resolved", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 16,
    .kind = EVG_FIELD_KIND_CHOICE, .field = "resolved", .header = "解决情况", .label = N_("Resolved"),
    CHOICES (resolved_choices),
  },
  [EVG_FEEDBACK_EVENT_SATISFIED] = {
    .name = "satisfied", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 16,
    .kind = EVG_FIELD_KIND_CHOICE, .field = "satisfied", .header = "满意度", .label = N_("Satisfaction"),
    CHOICES (satisfied_choices),
  },
  [EVG_FEEDBACK_EVENT_OTHER_ID] = {
    .name = "other_id", .type = EVG_COLUMN_TEXT, .flags = FIXED, .max_chars = 64,
    .kind = EVG_FIELD_KIND_REFERENCE, .field = "other_id", .header = "关联留言", .label = N_("Other Message"),
  },
};

/* The timeline of a message: rows are only added, so two devices that
 * reply to the same message offline keep both replies. */
const EvgTableSpec evg_feedback_event_table = {
  .name = "feedback_event",
  .label = N_("Message Event"),
  .columns = event_columns,
  .n_columns = G_N_ELEMENTS (event_columns),
  .policy = EVG_MERGE_APPEND_ONLY,
};

const EvgColumnSpec *
evg_feedback_field_get_info (EvgFeedbackField field)
{
  g_return_val_if_fail (field < EVG_FEEDBACK_N_FIELDS, NULL);
  return &feedback_columns[field];
}

const EvgColumnSpec *
evg_feedback_event_field_get_info (EvgFeedbackEventField field)
{
  g_return_val_if_fail (field < EVG_FEEDBACK_EVENT_N_FIELDS, NULL);
  return &event_columns[field];
}

/* How far a message has moved: 0 for new … 4 for closed; -1 for no status. */
int
evg_feedback_status_rank (const char *status)
{
  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (status_choices); i++)
    if (g_str_equal (status, status_choices[i].code))
      return (int) i;
  return -1;
}

/**
 * evg_feedback_check_due_hours:
 *
 * Returns: (nullable): what is wrong with the due times, in a sentence, or
 *   %NULL when a branch may set them: whole hours from one to a year, the
 *   time to respond not longer than the time to resolve
 */
const char *
evg_feedback_check_due_hours (guint respond_hours,
                              guint resolve_hours)
{
  if (respond_hours < 1 || resolve_hours < 1 || respond_hours > 24 * 365 || resolve_hours > 24 * 365)
    return _("Due times are between one hour and a year.");
  if (respond_hours > resolve_hours)
    return _("The time to respond cannot be longer than the time to resolve.");
  return NULL;
}

/**
 * evg_feedback_progress_init:
 * @message: (nullable): the message, for whether it was merged
 *
 * Starts @progress as a message with no events stands.
 */
void
evg_feedback_progress_init (EvgFeedbackProgress *progress,
                            EvgRecord           *message)
{
  progress->open = TRUE;
  progress->replied = FALSE;
  progress->waiting = FALSE;
  progress->excluded = FALSE;
  progress->merged = message != NULL && evg_record_get (message, EVG_FEEDBACK_MERGED_INTO) != NULL;
}

/**
 * evg_feedback_progress_add:
 * @kind: the kind of the message's next event
 *
 * Moves @progress on by an event, as the inbox's clocks read it: an
 * answer or the conclusion ends a wait as a resumption does.
 */
void
evg_feedback_progress_add (EvgFeedbackProgress *progress,
                           const char          *kind)
{
  if (g_strcmp0 (kind, "closed") == 0)
    {
      progress->open = FALSE;
      progress->waiting = FALSE;
    }
  else if (g_strcmp0 (kind, "reopened") == 0)
    {
      /* Raised again: it needs a new answer. */
      progress->open = TRUE;
      progress->replied = FALSE;
    }
  else if (g_strcmp0 (kind, "reply") == 0)
    {
      progress->replied = TRUE;
      progress->waiting = FALSE;
    }
  else if (g_strcmp0 (kind, "waiting") == 0)
    progress->waiting = TRUE;
  else if (g_strcmp0 (kind, "resumed") == 0)
    progress->waiting = FALSE;
  else if (g_strcmp0 (kind, "excluded") == 0)
    progress->excluded = TRUE;
}

static gboolean
kind_is (const char *kind,
         const char *one)
{
  return g_strcmp0 (kind, one) == 0;
}

/**
 * evg_feedback_progress_check:
 * @kind: the kind of event to record next
 *
 * Returns: (nullable): why a message that stands at @progress cannot take
 *   the step @kind now, in a sentence, or %NULL when it can
 */
const char *
evg_feedback_progress_check (const EvgFeedbackProgress *progress,
                             const char                *kind)
{
  if (kind_is (kind, "note"))
    return NULL;
  if (progress->merged)
    return _("This message was merged into another: handle that one, and its answers reach this one too.");
  if (kind_is (kind, "reopened"))
    return progress->open && !progress->replied
           ? _("The message is still being handled; it can be reopened once it was answered or concluded.")
           : NULL;
  if (kind_is (kind, "excluded"))
    return progress->excluded ? _("The message is left out of the rates already.") : NULL;
  if (!progress->open && !kind_is (kind, "callback"))
    return _("The message is concluded. If the resident raises it again, record that it was reopened "
             "first.");
  if (kind_is (kind, "callback") && !progress->replied)
    return _("The resident has had no reply yet: call back after replying.");
  if (kind_is (kind, "closed") && !progress->replied)
    return _("Reply to the resident before concluding the message.");
  if (kind_is (kind, "waiting") && progress->waiting)
    return _("The message waits for the resident already.");
  if (kind_is (kind, "resumed") && !progress->waiting)
    return _("The message is not waiting for the resident.");
  return NULL;
}
