/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-meeting"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-meeting.h"

struct _EvgMeeting
{
  GObject parent_instance;

  char *id;
  char *values[EVG_MEETING_N_FIELDS];
};

G_DEFINE_FINAL_TYPE (EvgMeeting, evg_meeting, G_TYPE_OBJECT)

static const EvgChoice kind_choices[EVG_MEETING_N_KINDS] = {
  [EVG_MEETING_KIND_GENERAL] = { "general_meeting", N_("General Meeting"), "支部党员大会" },
  [EVG_MEETING_KIND_COMMITTEE] = { "committee", N_("Committee Meeting"), "支部委员会" },
  [EVG_MEETING_KIND_GROUP] = { "group_meeting", N_("Party Group Meeting"), "党小组会" },
  [EVG_MEETING_KIND_LECTURE] = { "lecture", N_("Party Lecture"), "党课" },
  [EVG_MEETING_KIND_THEME_DAY] = { "theme_day", N_("Theme Party Day"), "主题党日" },
  [EVG_MEETING_KIND_LIFE] = { "life_meeting", N_("Organisational Life Meeting"), "组织生活会" },
};

static const EvgChoice status_choices[] = {
  { "planned", N_("Planned"), "计划" },
  { "held", N_("Held"), "已召开" },
  { "cancelled", N_("Cancelled"), "已取消" },
  { "signed", N_("Signed"), "已签字" },
  { "archived", N_("Archived"), "已归档" },
};

#define CHOICES(array) .choices = array, .n_choices = G_N_ELEMENTS (array)

static const EvgColumnSpec meeting_columns[EVG_MEETING_N_FIELDS] = {
  [EVG_MEETING_TYPE] = {
    .name = "type", .type = EVG_COLUMN_TEXT, .max_chars = 32, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "type", .header = "类型", .label = N_("Type"), CHOICES (kind_choices),
  },
  [EVG_MEETING_TITLE] = {
    .name = "title", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "title", .header = "主题", .label = N_("Title"),
  },
  [EVG_MEETING_STARTS_AT] = {
    .name = "starts_at", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "starts_at", .header = "开始时间", .label = N_("Starts"),
  },
  [EVG_MEETING_ENDS_AT] = {
    .name = "ends_at", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "ends_at", .header = "结束时间", .label = N_("Ends"),
  },
  [EVG_MEETING_PLACE] = {
    .name = "place", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "place", .header = "地点", .label = N_("Place"),
  },
  [EVG_MEETING_CHAIR] = {
    .name = "chair", .type = EVG_COLUMN_TEXT, .max_chars = 50, .kind = EVG_FIELD_KIND_TEXT,
    .field = "chair", .header = "主持人", .label = N_("Chair"),
  },
  [EVG_MEETING_RECORDER] = {
    .name = "recorder", .type = EVG_COLUMN_TEXT, .max_chars = 50, .kind = EVG_FIELD_KIND_TEXT,
    .field = "recorder", .header = "记录人", .label = N_("Recorder"),
  },
  [EVG_MEETING_PARTY_GROUP_ID] = {
    .name = "party_group_id", .type = EVG_COLUMN_TEXT, .max_chars = 64,
    .kind = EVG_FIELD_KIND_PARTY_GROUP, .field = "party_group", .header = "党小组",
    .label = N_("Party Group"),
  },
  [EVG_MEETING_AGENDA] = {
    .name = "agenda", .type = EVG_COLUMN_TEXT, .max_chars = 2000, .kind = EVG_FIELD_KIND_TEXT,
    .field = "agenda", .header = "议题", .label = N_("Agenda"),
  },
  [EVG_MEETING_MINUTES] = {
    .name = "minutes", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IDENTITY,
    .max_chars = 20000, .kind = EVG_FIELD_KIND_TEXT,
    .field = "minutes", .header = "会议记录", .label = N_("Minutes"),
  },
  [EVG_MEETING_OBSERVERS] = {
    .name = "observers", .type = EVG_COLUMN_TEXT, .max_chars = 500, .kind = EVG_FIELD_KIND_TEXT,
    .field = "observers", .header = "列席人员", .label = N_("Sitting In"),
  },
  [EVG_MEETING_IS_ELECTION] = {
    .name = "is_election", .type = EVG_COLUMN_INT, .min = 0, .max = 1,
    .kind = EVG_FIELD_KIND_BOOLEAN, .field = "is_election", .header = "选举",
    .label = N_("Election"),
  },
  [EVG_MEETING_STATUS] = {
    .name = "status", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "status", .header = "状态", .label = N_("Status"), CHOICES (status_choices),
  },
  [EVG_MEETING_SIGNED_AT] = {
    .name = "signed_at", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_DATE_TIME,
    .field = "signed_at", .header = "签字时间", .label = N_("Signed"),
  },
  [EVG_MEETING_PLAN_KEY] = {
    .name = "plan_key", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE,
    .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "plan_key", .header = "计划", .label = N_("Plan"),
  },
};

/* A meeting is planned, then held or cancelled; a held one is signed by
 * its chair and recorder and is then final, as is every meeting of a
 * year once the year is archived.  Until it is signed a meeting may go
 * back to planned: a date entered by mistake is put right. */
const EvgTableSpec evg_meeting_table = {
  .name = "meeting",
  .label = N_("Meeting"),
  .columns = meeting_columns,
  .n_columns = G_N_ELEMENTS (meeting_columns),
  .policy = EVG_MERGE_FIELD_LWW,
  /* The insert must reach the server as it began, planned, even when the
   * meeting was marked held before it was sent. */
  .insert_keeps_values = TRUE,
  .state_column = "status",
  .initial_state = "planned",
  .transitions = (const char * const[]) {
    "planned>held", "planned>cancelled", "held>planned", "cancelled>planned", "held>signed",
    "planned>archived", "held>archived", "cancelled>archived", NULL
  },
  .locked_states = (const char * const[]) { "signed", "archived", NULL },
};

static void
evg_meeting_finalize (GObject *object)
{
  EvgMeeting *self = EVG_MEETING (object);

  g_free (self->id);
  for (guint i = 0; i < EVG_MEETING_N_FIELDS; i++)
    g_free (self->values[i]);
  G_OBJECT_CLASS (evg_meeting_parent_class)->finalize (object);
}

static void
evg_meeting_class_init (EvgMeetingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = evg_meeting_finalize;
}

static void
evg_meeting_init (EvgMeeting *self)
{
}

/**
 * evg_meeting_new:
 * @id: (nullable): the stored meeting's id, or %NULL for a new one
 */
EvgMeeting *
evg_meeting_new (const char *id)
{
  EvgMeeting *self = g_object_new (EVG_TYPE_MEETING, NULL);

  self->id = g_strdup (id);
  return self;
}

const char *
evg_meeting_get_id (EvgMeeting *self)
{
  g_return_val_if_fail (EVG_IS_MEETING (self), NULL);
  return self->id;
}

const char *
evg_meeting_get (EvgMeeting      *self,
                 EvgMeetingField  field)
{
  g_return_val_if_fail (EVG_IS_MEETING (self), NULL);
  g_return_val_if_fail (field < EVG_MEETING_N_FIELDS, NULL);
  return self->values[field];
}

/* Empty text is no value. */
void
evg_meeting_set (EvgMeeting      *self,
                 EvgMeetingField  field,
                 const char      *value)
{
  g_return_if_fail (EVG_IS_MEETING (self));
  g_return_if_fail (field < EVG_MEETING_N_FIELDS);

  g_free (self->values[field]);
  self->values[field] = value != NULL && value[0] != '\0' ? g_strdup (value) : NULL;
}

EvgMeetingKind
evg_meeting_get_kind (EvgMeeting *self)
{
  int kind = evg_meeting_kind_from_code (evg_meeting_get (self, EVG_MEETING_TYPE));

  return kind >= 0 ? (EvgMeetingKind) kind : EVG_MEETING_KIND_GENERAL;
}

/**
 * evg_meeting_dup_day:
 *
 * Returns: (transfer full) (nullable): the day it starts, YYYY-MM-DD
 */
char *
evg_meeting_dup_day (EvgMeeting *self)
{
  const char *starts = evg_meeting_get (self, EVG_MEETING_STARTS_AT);

  return starts != NULL && strlen (starts) >= 10 ? g_strndup (starts, 10) : NULL;
}

/* Whether the meeting is final: signed, or archived with its year. */
gboolean
evg_meeting_is_locked (EvgMeeting *self)
{
  const char *status = evg_meeting_get (self, EVG_MEETING_STATUS);

  for (guint i = 0; evg_meeting_table.locked_states[i] != NULL; i++)
    if (g_strcmp0 (status, evg_meeting_table.locked_states[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Whether it took place: held, or signed after it was.  An archived
 * meeting counts as held when it has its minutes' signature. */
gboolean
evg_meeting_is_held (EvgMeeting *self)
{
  const char *status = evg_meeting_get (self, EVG_MEETING_STATUS);

  return g_strcmp0 (status, "held") == 0 || g_strcmp0 (status, "signed") == 0 ||
         (g_strcmp0 (status, "archived") == 0 && evg_meeting_get (self, EVG_MEETING_SIGNED_AT) != NULL);
}

/**
 * evg_meeting_dup_display_title:
 *
 * Returns: (transfer full): the title, or the type's name when it has none
 */
char *
evg_meeting_dup_display_title (EvgMeeting *self)
{
  const char *title = evg_meeting_get (self, EVG_MEETING_TITLE);

  return g_strdup (title != NULL ? title : evg_meeting_kind_get_label (evg_meeting_get_kind (self)));
}

EvgMeeting *
evg_meeting_copy (EvgMeeting *self)
{
  EvgMeeting *copy = evg_meeting_new (self->id);

  for (guint i = 0; i < EVG_MEETING_N_FIELDS; i++)
    copy->values[i] = g_strdup (self->values[i]);
  return copy;
}

/**
 * evg_meeting_diff:
 * @stored: (nullable): the meeting as stored, or %NULL for a new one
 *
 * Returns: (transfer full): the fields of @self that differ from @stored
 */
EvgFieldSet *
evg_meeting_diff (EvgMeeting *self,
                  EvgMeeting *stored)
{
  EvgFieldSet *fields = evg_field_set_new (&evg_meeting_table);

  for (guint i = 0; i < EVG_MEETING_N_FIELDS; i++)
    {
      const char *old = stored != NULL ? stored->values[i] : NULL;

      if (g_strcmp0 (old, self->values[i]) != 0)
        evg_field_set_set_index (fields, i, self->values[i]);
    }
  return fields;
}

/**
 * evg_meeting_validate:
 * @now: the local time, YYYY-MM-DD HH:MM
 *
 * The rules a meeting must keep before it is saved, each broken one
 * as a sentence for the secretary.
 *
 * Returns: (transfer full) (element-type utf8): the problems; empty when none
 */
GPtrArray *
evg_meeting_validate (EvgMeeting *self,
                      const char *now)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  const char *starts = self->values[EVG_MEETING_STARTS_AT];
  const char *ends = self->values[EVG_MEETING_ENDS_AT];
  const char *status = self->values[EVG_MEETING_STATUS];

  if (evg_meeting_kind_from_code (self->values[EVG_MEETING_TYPE]) < 0)
    g_ptr_array_add (problems, g_strdup (_("Choose the type of meeting.")));
  for (guint i = 0; i < EVG_MEETING_N_FIELDS; i++)
    {
      const char *problem;

      if (self->values[i] == NULL || meeting_columns[i].type != EVG_COLUMN_TEXT ||
          i == EVG_MEETING_TYPE)
        continue;
      problem = evg_table_spec_check_text (&evg_meeting_table, i, self->values[i]);
      if (problem == NULL)
        continue;
      if (g_str_equal (problem, "too long"))
        g_ptr_array_add (problems, g_strdup_printf (_("%s is too long: at most %u characters."),
                                                    _(meeting_columns[i].label),
                                                    meeting_columns[i].max_chars));
      else
        g_ptr_array_add (problems, g_strdup_printf (_("%s is not a valid value."),
                                                    _(meeting_columns[i].label)));
    }
  if (starts == NULL)
    g_ptr_array_add (problems, g_strdup (_("Enter when the meeting starts.")));
  if (starts != NULL && ends != NULL && strcmp (ends, starts) <= 0)
    g_ptr_array_add (problems, g_strdup (_("The meeting must end after it starts.")));
  if ((g_strcmp0 (status, "held") == 0 || g_strcmp0 (status, "signed") == 0) &&
      starts != NULL && now != NULL && strcmp (starts, now) > 0)
    g_ptr_array_add (problems, g_strdup (_("A meeting that has not started yet cannot be marked as held.")));
  if (evg_meeting_get_kind (self) == EVG_MEETING_KIND_GROUP &&
      self->values[EVG_MEETING_PARTY_GROUP_ID] == NULL)
    g_ptr_array_add (problems, g_strdup (_("Choose the party group that meets.")));
  return problems;
}

const char *
evg_meeting_kind_to_code (EvgMeetingKind kind)
{
  g_return_val_if_fail (kind < EVG_MEETING_N_KINDS, NULL);
  return kind_choices[kind].code;
}

/* Returns: the kind stored as @code, or -1 */
int
evg_meeting_kind_from_code (const char *code)
{
  for (guint i = 0; code != NULL && i < EVG_MEETING_N_KINDS; i++)
    if (g_str_equal (kind_choices[i].code, code))
      return (int) i;
  return -1;
}

const char *
evg_meeting_kind_get_label (EvgMeetingKind kind)
{
  g_return_val_if_fail (kind < EVG_MEETING_N_KINDS, "");
  return _(kind_choices[kind].label);
}

const char *
evg_meeting_status_get_label (const char *status)
{
  const EvgChoice *choice = evg_column_spec_find_choice (&meeting_columns[EVG_MEETING_STATUS], status);

  return choice != NULL ? _(choice->label) : "";
}
