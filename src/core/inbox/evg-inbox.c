/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-inbox"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "evg-inbox.h"
#include "evg-store-private.h"
#include "evg-txn.h"
#include "evg-validate.h"

/* Due times by default (DOMAIN.md): respond within a day, resolve
 * within a week. */
#define DEFAULT_RESPOND_HOURS 24
#define DEFAULT_RESOLVE_HOURS (7 * 24)

struct _EvgInbox
{
  GObject parent_instance;

  EvgStore   *store;
  GListStore *messages;     /* of EvgRecord, newest first */
  GHashTable *by_id;        /* id → EvgRecord, borrowed from @messages */
  gboolean    loaded;
  guint       respond_hours;
  guint       resolve_hours;
};

G_DEFINE_FINAL_TYPE (EvgInbox, evg_inbox, G_TYPE_OBJECT)

G_DEFINE_QUARK (evg-inbox-error-quark, evg_inbox_error)

static gboolean
load_messages (EvgInbox  *self,
               GError   **error)
{
  return evg_record_load_list (self->store, &evg_feedback_table, "received_at DESC, id",
                               self->messages, self->by_id, error);
}

static void
ensure_loaded (EvgInbox *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loaded)
    return;
  self->loaded = TRUE;
  if (!load_messages (self, &error))
    g_warning ("Could not read the messages: %s", error->message);
}

static void
on_store_changed (EvgInbox   *self,
                  const char *table,
                  GPtrArray  *ids,
                  EvgStore   *store)
{
  g_autoptr(GError) error = NULL;

  if (!self->loaded || g_strcmp0 (table, evg_feedback_table.name) != 0)
    return;
  if (!load_messages (self, &error))
    g_warning ("Could not read the messages again: %s", error->message);
}

static void
evg_inbox_dispose (GObject *object)
{
  EvgInbox *self = EVG_INBOX (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_object (&self->messages);
  G_OBJECT_CLASS (evg_inbox_parent_class)->dispose (object);
}

static void
evg_inbox_class_init (EvgInboxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = evg_inbox_dispose;
}

static void
evg_inbox_init (EvgInbox *self)
{
  self->messages = g_list_store_new (EVG_TYPE_RECORD);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->respond_hours = DEFAULT_RESPOND_HOURS;
  self->resolve_hours = DEFAULT_RESOLVE_HOURS;
}

EvgInbox *
evg_inbox_new (EvgStore  *store,
               GError   **error)
{
  EvgInbox *self;

  g_return_val_if_fail (EVG_IS_STORE (store), NULL);

  self = g_object_new (EVG_TYPE_INBOX, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  return self;
}

/* The due times of messages added from now on (settings: cities differ). */
void
evg_inbox_set_due_hours (EvgInbox *self,
                         guint     respond_hours,
                         guint     resolve_hours)
{
  g_return_if_fail (EVG_IS_INBOX (self));
  g_return_if_fail (respond_hours > 0 && resolve_hours > 0);

  self->respond_hours = respond_hours;
  self->resolve_hours = resolve_hours;
}

GListModel *
evg_inbox_get_messages (EvgInbox *self)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  ensure_loaded (self);
  return G_LIST_MODEL (self->messages);
}

EvgRecord *
evg_inbox_lookup (EvgInbox   *self,
                  const char *id)
{
  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  ensure_loaded (self);
  return id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;
}

static char *
dup_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d %H:%M");
}

/* @at plus @hours, in the same form. */
static char *
add_hours (const char *at,
           guint       hours)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) due = NULL;
  int y, mo, d, h, mi;

  if (sscanf (at, "%4d-%2d-%2d %2d:%2d", &y, &mo, &d, &h, &mi) != 5)
    return NULL;
  /* Wall-clock hours, without a time zone's jumps. */
  start = g_date_time_new (utc, y, mo, d, h, mi, 0);
  if (start == NULL)
    return NULL;
  due = g_date_time_add_hours (start, (int) hours);
  return g_date_time_format (due, "%Y-%m-%d %H:%M");
}

static gboolean
set_invalid (GError    **error,
             GPtrArray  *problems)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (problems, NULL);
  text = g_strjoinv ("\n", (char **) problems->pdata);
  g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID, text);
  return FALSE;
}

/**
 * evg_inbox_add:
 * @message: a new message (an EvgRecord of evg_feedback_table); its
 *   received time defaults to now
 *
 * Records a resident's message: new, with its due times.  The content
 * is required and never changes afterwards; a contact must be a phone
 * number.
 *
 * Returns: (transfer full): its id, or %NULL with @error set
 */
char *
evg_inbox_add (EvgInbox   *self,
               EvgRecord  *message,
               GError    **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *now = dup_now ();
  g_autofree char *content = NULL;
  const char *contact;
  char *id;

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  g_return_val_if_fail (evg_record_get_table (message) == &evg_feedback_table, NULL);

  content = g_strstrip (g_strdup (evg_record_get (message, EVG_FEEDBACK_CONTENT) != NULL
                                  ? evg_record_get (message, EVG_FEEDBACK_CONTENT) : ""));
  evg_record_set (message, EVG_FEEDBACK_CONTENT, content);
  if (evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT) == NULL)
    evg_record_set (message, EVG_FEEDBACK_RECEIVED_AT, now);
  evg_record_set (message, EVG_FEEDBACK_STATUS, "new");
  contact = evg_record_get (message, EVG_FEEDBACK_CONTACT);
  if (contact != NULL)
    {
      g_autofree char *phone = evg_phone_normalize (contact);
      g_autofree char *problem = phone != NULL ? evg_phone_check (phone) : NULL;

      if (phone == NULL || problem != NULL)
        g_ptr_array_add (problems, g_strdup_printf (_("“%s” is not a phone number. %s"), contact,
                                                    problem != NULL ? problem : ""));
      else
        evg_record_set (message, EVG_FEEDBACK_CONTACT, phone);
    }
  if (*content == '\0')
    g_ptr_array_add (problems, g_strdup (_("Write down what the resident said: the message is empty.")));
  if (evg_record_get (message, EVG_FEEDBACK_CHANNEL) == NULL)
    g_ptr_array_add (problems, g_strdup (_("Choose how the message came in.")));
  if (problems->len == 0)
    evg_record_check_values (message, problems);
  if (problems->len > 0)
    return set_invalid (error, problems), NULL;

  {
    g_autofree char *respond = add_hours (evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT), self->respond_hours);
    g_autofree char *resolve = add_hours (evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT), self->resolve_hours);

    evg_record_set (message, EVG_FEEDBACK_RESPONSE_DUE, respond);
    evg_record_set (message, EVG_FEEDBACK_RESOLUTION_DUE, resolve);
  }
  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return NULL;
  fields = evg_record_diff (message, NULL);
  id = evg_txn_insert (txn, fields, NULL, error);
  if (id == NULL || !evg_txn_commit (txn, error))
    return g_free (id), NULL;
  return id;
}

static void
add_event_row (sqlite3_stmt *stmt,
               gpointer      data)
{
  GPtrArray *events = data;
  EvgRecord *event = evg_record_new (&evg_feedback_event_table, (const char *) sqlite3_column_text (stmt, 0));

  for (guint i = 0; i < EVG_FEEDBACK_EVENT_N_FIELDS; i++)
    evg_record_set (event, i, (const char *) sqlite3_column_text (stmt, (int) i + 1));
  g_ptr_array_add (events, event);
}

/**
 * evg_inbox_list_events:
 *
 * Returns: (transfer full) (element-type EvgRecord): the message's
 *   timeline, oldest first, or %NULL with @error set
 */
GPtrArray *
evg_inbox_list_events (EvgInbox    *self,
                       const char  *message_id,
                       GError     **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);

  evg_record_append_columns (&evg_feedback_event_table, NULL, sql);
  g_string_append (sql, " FROM feedback_event WHERE feedback_id = ?1 AND deleted = 0 ORDER BY at, rowid");
  if (!evg_store_each_row (self->store, sql->str, EVG_PARAMS (message_id), add_event_row, events, error))
    return NULL;
  return g_steal_pointer (&events);
}

/* What a message's timeline says of it now. */
typedef struct
{
  gboolean open;       /* not concluded, or reopened since */
  gboolean replied;    /* a public reply was given */
} Progress;

static void
read_progress (GPtrArray *events,
               Progress  *progress)
{
  progress->open = TRUE;
  progress->replied = FALSE;
  for (guint i = 0; i < events->len; i++)
    {
      const char *kind = evg_record_get (g_ptr_array_index (events, i), EVG_FEEDBACK_EVENT_KIND);

      if (g_strcmp0 (kind, "closed") == 0)
        progress->open = FALSE;
      else if (g_strcmp0 (kind, "reopened") == 0)
        {
          /* Raised again: it needs a new answer. */
          progress->open = TRUE;
          progress->replied = FALSE;
        }
      else if (g_strcmp0 (kind, "reply") == 0)
        progress->replied = TRUE;
    }
}

static gboolean
refuse_step (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP, message);
  return FALSE;
}

/* Whether @kind may be recorded now, by the rules of 接诉即办. */
static gboolean
check_step (const char      *kind,
            EvgRecord       *event,
            const Progress  *progress,
            GError         **error)
{
  if (g_strcmp0 (kind, "reopened") == 0)
    return progress->open && !progress->replied
           ? refuse_step (error, _("The message is still being handled; it can be reopened once it was "
                                   "answered or concluded."))
           : TRUE;
  if (!progress->open && g_strcmp0 (kind, "callback") != 0 && g_strcmp0 (kind, "note") != 0 &&
      g_strcmp0 (kind, "excluded") != 0)
    return refuse_step (error, _("The message is concluded. If the resident raises it again, record "
                                 "that it was reopened first."));
  if (g_strcmp0 (kind, "callback") == 0 && !progress->replied)
    return refuse_step (error, _("The resident has had no reply yet: call back after replying."));
  if (g_strcmp0 (kind, "callback") == 0 &&
      (evg_record_get (event, EVG_FEEDBACK_EVENT_RESOLVED) == NULL ||
       evg_record_get (event, EVG_FEEDBACK_EVENT_SATISFIED) == NULL))
    return refuse_step (error, _("A callback records whether the problem was resolved and whether the "
                                 "resident is satisfied."));
  if (g_strcmp0 (kind, "closed") == 0 && !progress->replied)
    return refuse_step (error, _("Reply to the resident before concluding the message."));
  if ((g_strcmp0 (kind, "reply") == 0 || g_strcmp0 (kind, "note") == 0 ||
       g_strcmp0 (kind, "excluded") == 0) && evg_record_get (event, EVG_FEEDBACK_EVENT_TEXT) == NULL)
    return refuse_step (error, g_strcmp0 (kind, "excluded") == 0
                               ? _("Give the reason the message is left out of the rates.")
                               : _("The text is empty."));
  if (g_strcmp0 (kind, "assigned") == 0 && evg_record_get (event, EVG_FEEDBACK_EVENT_ASSIGNEE) == NULL)
    return refuse_step (error, _("Choose the member the message is assigned to."));
  if (g_strcmp0 (kind, "merged") == 0 && evg_record_get (event, EVG_FEEDBACK_EVENT_OTHER_ID) == NULL)
    return refuse_step (error, _("Choose the message this one is merged into."));
  return TRUE;
}

/* The status an event moves its message to; NULL for none. */
static const char *
status_after (const char *kind)
{
  static const struct { const char *kind, *status; } steps[] = {
    { "assigned", "assigned" }, { "contacted", "in_progress" }, { "waiting", "in_progress" },
    { "resumed", "in_progress" }, { "reply", "replied" }, { "closed", "closed" }, { "merged", "closed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_strcmp0 (kind, steps[i].kind) == 0)
      return steps[i].status;
  return NULL;
}

/**
 * evg_inbox_add_event:
 * @event: an EvgRecord of evg_feedback_event_table: its kind and what it
 *   records (its time defaults to now; its message is @message_id)
 *
 * Records what was done with a message, and moves the message's status
 * forward with it (never back) in the same transaction.
 *
 * Returns: (transfer full): the event's id, or %NULL with @error set
 */
char *
evg_inbox_add_event (EvgInbox    *self,
                     const char  *message_id,
                     EvgRecord   *event,
                     GError     **error)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgFieldSet) moves = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *now = dup_now ();
  g_autofree char *id = NULL;
  const char *kind = evg_record_get (event, EVG_FEEDBACK_EVENT_KIND);
  const char *status;
  EvgRecord *message;
  Progress progress;

  g_return_val_if_fail (EVG_IS_INBOX (self), NULL);
  g_return_val_if_fail (evg_record_get_table (event) == &evg_feedback_event_table, NULL);

  message = evg_inbox_lookup (self, message_id);
  if (message == NULL)
    {
      g_set_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_NOT_FOUND, _("No message has the id “%s”."),
                   message_id);
      return NULL;
    }
  evg_record_set (event, EVG_FEEDBACK_EVENT_FEEDBACK_ID, message_id);
  if (evg_record_get (event, EVG_FEEDBACK_EVENT_AT) == NULL)
    evg_record_set (event, EVG_FEEDBACK_EVENT_AT, now);
  evg_record_check_values (event, problems);
  if (kind == NULL)
    g_ptr_array_add (problems, g_strdup (_("Say what was done.")));
  if (problems->len > 0)
    return set_invalid (error, problems), NULL;

  events = evg_inbox_list_events (self, message_id, error);
  if (events == NULL)
    return NULL;
  read_progress (events, &progress);
  if (!check_step (kind, event, &progress, error))
    return NULL;

  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return NULL;
  fields = evg_record_diff (event, NULL);
  id = evg_txn_insert (txn, fields, NULL, error);
  if (id == NULL)
    return NULL;
  moves = evg_field_set_new (&evg_feedback_table);
  status = status_after (kind);
  if (status != NULL &&
      evg_feedback_status_rank (status) > evg_feedback_status_rank (evg_record_get (message, EVG_FEEDBACK_STATUS)))
    evg_field_set_set_index (moves, EVG_FEEDBACK_STATUS, status);
  if (g_strcmp0 (kind, "assigned") == 0)
    evg_field_set_set_index (moves, EVG_FEEDBACK_ASSIGNEE, evg_record_get (event, EVG_FEEDBACK_EVENT_ASSIGNEE));
  if (g_strcmp0 (kind, "merged") == 0)
    evg_field_set_set_index (moves, EVG_FEEDBACK_MERGED_INTO, evg_record_get (event, EVG_FEEDBACK_EVENT_OTHER_ID));
  if (evg_field_set_count (moves) > 0 && !evg_txn_update (txn, message_id, moves, error))
    return NULL;
  if (!evg_txn_commit (txn, error))
    return NULL;
  return g_steal_pointer (&id);
}
