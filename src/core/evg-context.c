/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-context"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-context.h"
#include "evg-whistle.h"
#include "evg-validate.h"

/* The app-wide object that owns the store and the services, handed to
 * widgets as a construct-only property rather than through a global. */
struct _EvgContext
{
  GObject   parent_instance;

  /* Owned */
  EvgStore      *store;
  EvgRoster     *roster;
  EvgCalendar   *calendar;
  EvgCheckins   *checkins;
  EvgInbox      *inbox;
  EvgSyncClient *sync_client;
};

G_DEFINE_FINAL_TYPE (EvgContext, evg_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BRANCH_NAME,
  PROP_BRANCH_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
evg_context_dispose (GObject *object)
{
  EvgContext *self = (EvgContext *)object;

  g_clear_object (&self->sync_client);
  g_clear_object (&self->calendar);
  g_clear_object (&self->checkins);
  g_clear_object (&self->inbox);
  g_clear_object (&self->roster);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (evg_context_parent_class)->dispose (object);
}

static void
evg_context_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  EvgContext *self = EVG_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_BRANCH_NAME:
      g_value_take_string (value, evg_context_dup_branch_name (self));
      break;
    case PROP_BRANCH_CODE:
      g_value_take_string (value, evg_context_dup_branch_code (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_context_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  EvgContext *self = EVG_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_context_class_init (EvgContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = evg_context_dispose;
  object_class->get_property = evg_context_get_property;
  object_class->set_property = evg_context_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         EVG_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  /* The branch belongs to the data, not to the desktop user, so it lives in
   * the database rather than in GSettings. */
  properties[PROP_BRANCH_NAME] =
    g_param_spec_string ("branch-name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BRANCH_CODE] =
    g_param_spec_string ("branch-code", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
evg_context_init (EvgContext *self)
{
}

/**
 * evg_context_new:
 * @store: the open database
 *
 * Makes the services over @store.  Fails when the roster cannot be read,
 * which means the database is damaged.
 */
EvgContext *
evg_context_new (EvgStore  *store,
                 GError   **error)
{
  g_autoptr(EvgContext) self = NULL;

  g_return_val_if_fail (EVG_IS_STORE (store), NULL);

  self = g_object_new (EVG_TYPE_CONTEXT, "store", store, NULL);
  self->roster = evg_roster_new (store, error);
  if (self->roster == NULL)
    return NULL;
  self->calendar = evg_calendar_new (store, error);
  if (self->calendar == NULL)
    return NULL;
  self->inbox = evg_inbox_new (store, error);
  if (self->inbox == NULL)
    return NULL;
  self->checkins = evg_checkins_new (store, error);
  if (self->checkins == NULL)
    return NULL;
  /* A program that loads the roster in the background (the app) reads the
   * sync state in the background too. */
  self->sync_client = evg_roster_get_loading (self->roster) ? evg_sync_client_new_deferred (store)
                                                           : evg_sync_client_new (store);

  return g_steal_pointer (&self);
}

EvgRoster *
evg_context_get_roster (EvgContext *self)
{
  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);
  return self->roster;
}

EvgCalendar *
evg_context_get_calendar (EvgContext *self)
{
  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);
  return self->calendar;
}

EvgInbox *
evg_context_get_inbox (EvgContext *self)
{
  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);
  return self->inbox;
}

EvgCheckins *
evg_context_get_checkins (EvgContext *self)
{
  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);
  return self->checkins;
}

EvgSyncClient *
evg_context_get_sync_client (EvgContext *self)
{
  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);
  return self->sync_client;
}

EvgStore *
evg_context_get_store (EvgContext *self)
{
  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);
  return self->store;
}

char *
evg_context_dup_branch_name (EvgContext *self)
{
  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);
  return evg_store_get_meta (self->store, "branch_name");
}

char *
evg_context_dup_branch_code (EvgContext *self)
{
  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);
  return evg_store_get_meta (self->store, "branch_code");
}

/* Branch codes travel in sync requests and transfer letters, so they are kept
 * to letters, digits and dashes that any system can carry. */
gboolean
evg_context_validate_branch_code (const char  *code,
                                  GError     **error)
{
  gsize len = code != NULL ? strlen (code) : 0;

  if (len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Enter the branch code."));
      return FALSE;
    }
  if (len > 32)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The branch code is at most 32 characters long."));
      return FALSE;
    }
  for (const char *p = code; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The branch code may contain only letters, digits, “-” and “_”."));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * evg_context_set_branch:
 * @name: the branch's full name, such as 某某社区第一党支部
 * @code: the branch code the organisation department assigned
 *
 * Saves both together; nothing is saved unless both are valid.
 */
gboolean
evg_context_set_branch (EvgContext  *self,
                        const char  *name,
                        const char  *code,
                        GError     **error)
{
  g_autofree char *old_name = NULL;
  g_autofree char *old_code = NULL;
  g_autofree char *clean_name = g_strstrip (g_strdup (name != NULL ? name : ""));

  g_return_val_if_fail (EVG_IS_CONTEXT (self), FALSE);

  if (*clean_name == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Enter the branch name."));
      return FALSE;
    }
  if (!evg_context_validate_branch_code (code, error))
    return FALSE;

  old_name = evg_context_dup_branch_name (self);
  old_code = evg_context_dup_branch_code (self);

  if (!evg_store_set_meta (self->store, "branch_name", clean_name, error) ||
      !evg_store_set_meta (self->store, "branch_code", code, error))
    return FALSE;

  if (g_strcmp0 (old_name, clean_name) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRANCH_NAME]);
  if (g_strcmp0 (old_code, code) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRANCH_CODE]);
  return TRUE;
}

/* A message's words, shortened to @max characters for a title. */
static char *
shorten (const char *text,
         glong       max)
{
  g_autofree char *flat = g_strdup (text != NULL ? text : "");

  g_strdelimit (flat, "\r\n\t", ' ');
  g_strstrip (flat);
  if (g_utf8_strlen (flat, -1) <= max)
    return g_steal_pointer (&flat);
  return g_strconcat (g_utf8_substring (flat, 0, max - 1), "…", NULL);
}

static EvgRecord *
find_open_message (EvgContext  *self,
                   const char  *message_id,
                   const char  *kind,
                   GError     **error)
{
  /* Checked before the work is made: a whistle or an agenda line for a
   * message that cannot take the step would be left without its link. */
  if (!evg_inbox_check_step (self->inbox, message_id, kind, error))
    return NULL;
  return evg_inbox_dup_message (self->inbox, message_id);
}

/* The whistle categories closest to what a message is about. */
static const char *
whistle_category_for (const char *category)
{
  static const struct { const char *message, *whistle; } map[] = {
    { "sanitation", "governance" }, { "property", "governance" }, { "facilities", "governance" },
    { "traffic", "safety" }, { "safety", "safety" }, { "neighbours", "legal" }, { "welfare", "assistance" },
  };

  for (guint i = 0; category != NULL && i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (category, map[i].message))
      return map[i].whistle;
  return "other";
}

/**
 * evg_context_raise_whistle_for:
 *
 * Turns a resident's message into work in one step: raises a whistle for
 * it (from the next full hour, for three hours, at the message's place)
 * and links the two, so each shows the other.
 *
 * Returns: (transfer full): the whistle's id, or %NULL with @error set
 */
char *
evg_context_raise_whistle_for (EvgContext  *self,
                               const char  *message_id,
                               GError     **error)
{
  g_autoptr(EvgRecord) message = NULL;
  g_autoptr(EvgRecord) whistle = NULL;
  g_autofree char *now = evg_dup_now_minute ();
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *id = NULL;
  char starts_at[EVG_MINUTE_SIZE], ends_at[EVG_MINUTE_SIZE];
  gint64 start;

  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);

  message = find_open_message (self, message_id, "whistle", error);
  if (message == NULL)
    return NULL;
  start = (evg_parse_minute (now) / 60 + 1) * 60;
  evg_format_minute (start, starts_at);
  evg_format_minute (start + 3 * 60, ends_at);
  title = shorten (evg_record_get (message, EVG_FEEDBACK_CONTENT), 30);
  description = g_strdup_printf (_("From a resident’s message of %s: %s"),
                                 evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT),
                                 evg_record_get (message, EVG_FEEDBACK_CONTENT));
  whistle = evg_record_new (&evg_whistle_table, NULL);
  evg_record_set (whistle, EVG_WHISTLE_TITLE, title);
  evg_record_take (whistle, EVG_WHISTLE_DESCRIPTION, shorten (description, 1000));
  evg_record_set (whistle, EVG_WHISTLE_CATEGORY,
                  whistle_category_for (evg_record_get (message, EVG_FEEDBACK_CATEGORY)));
  evg_record_set (whistle, EVG_WHISTLE_PLACE, evg_record_get (message, EVG_FEEDBACK_PLACE));
  evg_record_set (whistle, EVG_WHISTLE_STARTS_AT, starts_at);
  evg_record_set (whistle, EVG_WHISTLE_ENDS_AT, ends_at);
  evg_record_set (whistle, EVG_WHISTLE_RAISED_BY, _("Residents’ message board"));
  id = evg_checkins_save_whistle (self->checkins, whistle, error);
  if (id == NULL || !evg_inbox_link (self->inbox, message_id, "whistle", id, title, error))
    return NULL;
  return g_steal_pointer (&id);
}

/**
 * evg_context_put_on_agenda:
 *
 * Puts a resident's message on the agenda of the next 主题党日 that is
 * planned, and links the two.
 *
 * Returns: (transfer full): the meeting's id, or %NULL with @error set
 */
char *
evg_context_put_on_agenda (EvgContext  *self,
                           const char  *message_id,
                           GError     **error)
{
  g_autoptr(EvgRecord) message = NULL;
  g_autoptr(EvgMeeting) meeting = NULL;
  g_autoptr(GPtrArray) coming = NULL;
  g_autofree char *now = evg_dup_now_minute ();
  g_autofree char *today = g_strndup (now, 10);
  g_autofree char *line = NULL;
  g_autofree char *agenda = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *saved = NULL;
  const char *old;

  g_return_val_if_fail (EVG_IS_CONTEXT (self), NULL);

  message = find_open_message (self, message_id, "agenda", error);
  if (message == NULL)
    return NULL;
  coming = evg_calendar_list_between (self->calendar, today, "9999-12-31");
  for (guint i = 0; i < coming->len && meeting == NULL; i++)
    {
      EvgMeeting *candidate = g_ptr_array_index (coming, i);

      if (g_strcmp0 (evg_meeting_get (candidate, EVG_MEETING_TYPE), "theme_day") == 0 &&
          g_strcmp0 (evg_meeting_get (candidate, EVG_MEETING_STATUS), "planned") == 0 &&
          g_strcmp0 (evg_meeting_get (candidate, EVG_MEETING_STARTS_AT), now) >= 0)
        meeting = evg_meeting_copy (candidate);
    }
  if (meeting == NULL)
    {
      g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP,
                           _("No 主题党日 is planned from today on. Plan one in the calendar first."));
      return NULL;
    }
  summary = shorten (evg_record_get (message, EVG_FEEDBACK_CONTENT), 60);
  line = g_strdup_printf (_("Residents’ message: %s"), summary);
  old = evg_meeting_get (meeting, EVG_MEETING_AGENDA);
  if (old != NULL && strstr (old, line) != NULL)
    agenda = g_strdup (old);
  else
    agenda = old != NULL && *old != '\0' ? g_strconcat (old, "\n", line, NULL) : g_strdup (line);
  evg_meeting_set (meeting, EVG_MEETING_AGENDA, agenda);
  saved = evg_calendar_save (self->calendar, meeting, NULL, error);
  if (saved == NULL)
    return NULL;
  {
    g_autofree char *what = g_strdup_printf ("%s %s", evg_meeting_get (meeting, EVG_MEETING_STARTS_AT),
                                             evg_meeting_get (meeting, EVG_MEETING_TITLE) != NULL
                                             ? evg_meeting_get (meeting, EVG_MEETING_TITLE) : "主题党日");

    if (!evg_inbox_link (self->inbox, message_id, "agenda", saved, what, error))
      return NULL;
  }
  return g_steal_pointer (&saved);
}
