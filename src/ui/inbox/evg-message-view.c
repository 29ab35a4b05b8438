/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-message-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-accessible.h"
#include "evg-inbox.h"
#include "evg-member-picker.h"
#include "evg-message-view.h"
#include "evg-validate.h"

/* One resident's message as the branch handles it: what was said, by
 * whom (the phone masked until asked for), where it stands, its timeline
 * with the public replies set apart from the internal notes, the steps it
 * can take now, messages that look like the same problem, and a box each
 * for a reply and a note.  What the service refuses is said in the bar
 * at the top, which stays until dismissed; a reply or note that was not
 * recorded stays in its box. */

#define N_SUGGESTIONS 5

struct _EvgMessageView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkRevealer       *error_revealer;
  GtkLabel          *error_label;
  GtkScrolledWindow *scroller;
  GtkWidget         *back_button;
  GtkBox            *badges;
  GtkLabel          *content_label;
  GtkLabel          *meta_label;
  GtkListBox        *facts;
  GtkWidget         *waiting_button;
  GtkWidget         *resume_button;
  GtkWidget         *whistle_button;
  GtkWidget         *agenda_button;
  GtkWidget         *duplicates_box;
  GtkListBox        *duplicates;
  GtkListBox        *timeline;
  GtkWidget         *reply_box;
  GtkTextView       *reply_view;
  GtkTextView       *note_view;

  /* Owned */
  EvgContext        *context;
  char              *message_id;
  GPtrArray         *events;        /* EvgRecord, the shown message's, oldest first */
  GPtrArray         *suggestions;   /* EvgRecord, the possible duplicates listed */
  guint              reload_id;

  gboolean           revealed;      /* the contact shown in full */
  EvgFeedbackProgress progress;     /* what the timeline says of the shown message */
};

enum {
  OPEN_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EvgMessageView, evg_message_view, GTK_TYPE_WIDGET)

static EvgInbox *
get_inbox (EvgMessageView *self)
{
  return evg_context_get_inbox (self->context);
}

/* The shown message as the service has it now, or NULL. */
static EvgRecord *
dup_message (EvgMessageView *self,
             const char     *id)
{
  if (self->context == NULL || id == NULL)
    return NULL;
  return evg_inbox_dup_message (get_inbox (self), id);
}

/* The first words of a message, to name it on a button or in a line. */
static char *
dup_excerpt (const char *content,
             guint       n_chars)
{
  g_autofree char *line = NULL;
  const char *end;

  if (content == NULL)
    return g_strdup ("");
  end = strchr (content, '\n');
  line = end != NULL ? g_strndup (content, end - content) : g_strdup (content);
  if (g_utf8_strlen (line, -1) <= n_chars)
    return g_steal_pointer (&line);
  return g_strconcat (g_utf8_substring (line, 0, n_chars), "…", NULL);
}

static const char *
member_name (EvgMessageView *self,
             const char     *member_id)
{
  EvgMember *member = member_id != NULL ? evg_roster_lookup (evg_context_get_roster (self->context), member_id)
                                        : NULL;

  return member != NULL ? evg_member_get_name (member) : _("a former or unknown member");
}

/* Errors and news */

static void
show_error (EvgMessageView *self,
            const char     *text)
{
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
clear_error (EvgMessageView *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gtk_label_set_text (self->error_label, "");
}

static void
show_toast (EvgMessageView *self,
            const char     *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

/* Records the step @kind with @text; says why when it is refused. */
static gboolean
record_step (EvgMessageView *self,
             const char     *kind,
             const char     *text,
             const char     *done)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->message_id == NULL)
    return FALSE;
  id = evg_inbox_record (get_inbox (self), self->message_id, kind, text, &error);
  if (id == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  clear_error (self);
  evg_message_view_reload (self);
  if (done != NULL)
    show_toast (self, done);
  return TRUE;
}

static gboolean
add_event (EvgMessageView *self,
           EvgRecord      *event,
           const char     *done)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->message_id == NULL)
    return FALSE;
  id = evg_inbox_add_event (get_inbox (self), self->message_id, event, &error);
  if (id == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  clear_error (self);
  evg_message_view_reload (self);
  if (done != NULL)
    show_toast (self, done);
  return TRUE;
}

/* The message's header */

static void
add_badge (EvgMessageView *self,
           const char     *text,
           const char     *css)
{
  GtkWidget *badge = gtk_label_new (text);

  gtk_widget_add_css_class (badge, "evg-badge");
  if (css != NULL)
    gtk_widget_add_css_class (badge, css);
  gtk_box_append (self->badges, badge);
}

static void
fill_badges (EvgMessageView   *self,
             EvgRecord        *message,
             EvgFeedbackFlags  flags)
{
  g_autofree char *status_css = g_strdup_printf ("evg-status-%s", evg_record_get (message, EVG_FEEDBACK_STATUS));
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->badges))) != NULL)
    gtk_box_remove (self->badges, child);
  add_badge (self, evg_record_get_choice_label (message, EVG_FEEDBACK_STATUS), status_css);
  if (flags & EVG_FEEDBACK_FLAG_LATE_RESPONSE)
    add_badge (self, _("Overdue: not responded"), "evg-badge-overdue");
  if (flags & EVG_FEEDBACK_FLAG_LATE_RESOLUTION)
    add_badge (self, _("Overdue: not concluded"), "evg-badge-overdue");
  if (flags & EVG_FEEDBACK_FLAG_WAITING)
    add_badge (self, _("Waiting for the resident"), "evg-badge-waiting");
  if (flags & EVG_FEEDBACK_FLAG_REOPENED)
    add_badge (self, _("Reopened"), "evg-badge-reopened");
  if (flags & EVG_FEEDBACK_FLAG_MERGED)
    add_badge (self, _("Merged"), "evg-badge-merged");
  if (self->progress.excluded)
    add_badge (self, _("Not counted in the rates"), NULL);
}

static char *
dup_meta (EvgRecord *message)
{
  GString *line = g_string_new (NULL);
  const char *category = evg_record_get_choice_label (message, EVG_FEEDBACK_CATEGORY);
  const char *place = evg_record_get (message, EVG_FEEDBACK_PLACE);

  g_string_append_printf (line, _("Received %s"), evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT));
  g_string_append_printf (line, " · %s", evg_record_get_choice_label (message, EVG_FEEDBACK_CHANNEL));
  if (*category != '\0')
    g_string_append_printf (line, " · %s", category);
  if (place != NULL)
    g_string_append_printf (line, " · %s", place);
  return g_string_free (line, FALSE);
}

static AdwActionRow *
add_fact (EvgMessageView *self,
          const char     *title,
          const char     *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (self->facts, row);
  return ADW_ACTION_ROW (row);
}

static char *
dup_contact_text (EvgMessageView *self,
                  EvgRecord      *message)
{
  const char *contact = evg_record_get (message, EVG_FEEDBACK_CONTACT);

  if (contact == NULL)
    return NULL;
  return self->revealed ? g_strdup (contact) : evg_mask_phone (contact);
}

static void
on_reveal_toggled (GtkToggleButton *button,
                   EvgMessageView  *self)
{
  AdwActionRow *row = g_object_get_data (G_OBJECT (button), "row");
  g_autoptr(EvgRecord) message = dup_message (self, self->message_id);
  g_autofree char *text = NULL;

  self->revealed = gtk_toggle_button_get_active (button);
  gtk_button_set_label (GTK_BUTTON (button), self->revealed ? _("Hide") : _("Show"));
  if (message == NULL)
    return;
  text = dup_contact_text (self, message);
  adw_action_row_set_subtitle (row, text);
}

static void
on_open_merged (GtkButton      *button,
                EvgMessageView *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (button), "message-id"));

  g_signal_emit (self, signals[OPEN_MESSAGE], 0, id);
}

static GtkWidget *
make_open_button (const char *id,
                  const char *accessible,
                  EvgMessageView *self)
{
  GtkWidget *open = gtk_button_new_with_label (_("See Message"));

  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (open), "message-id", g_strdup (id), g_free);
  g_signal_connect (open, "clicked", G_CALLBACK (on_open_merged), self);
  return open;
}

/* The residents who said the same and get this message's replies. */
static void
add_merged_here (EvgMessageView *self)
{
  g_autoptr(GPtrArray) links = evg_inbox_find_linked (get_inbox (self), self->message_id);

  for (guint i = 0; i < links->len; i++)
    {
      EvgRecord *link = g_ptr_array_index (links, i);
      const char *id = evg_record_get (link, EVG_FEEDBACK_EVENT_FEEDBACK_ID);
      g_autoptr(EvgRecord) other = NULL;
      g_autofree char *value = NULL;
      g_autofree char *accessible = NULL;
      const char *name;
      AdwActionRow *row;

      if (g_strcmp0 (evg_record_get (link, EVG_FEEDBACK_EVENT_KIND), "merged") != 0 ||
          (other = dup_message (self, id)) == NULL)
        continue;
      name = evg_record_get (other, EVG_FEEDBACK_FROM_NAME);
      value = g_strdup_printf ("%s · %s", name != NULL ? name : _("name not given"),
                               evg_record_get (other, EVG_FEEDBACK_RECEIVED_AT));
      accessible = g_strdup_printf (_("Open the message of %s merged here"), name != NULL ? name : value);
      row = add_fact (self, _("Also Raised By"), value);
      adw_action_row_add_suffix (row, make_open_button (id, accessible, self));
    }
}

static void
fill_facts (EvgMessageView *self,
            EvgRecord      *message)
{
  const char *name = evg_record_get (message, EVG_FEEDBACK_FROM_NAME);
  const char *assignee = evg_record_get (message, EVG_FEEDBACK_ASSIGNEE);
  const char *merged_into = evg_record_get (message, EVG_FEEDBACK_MERGED_INTO);
  g_autofree char *contact = dup_contact_text (self, message);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facts))) != NULL)
    gtk_list_box_remove (self->facts, child);

  add_fact (self, _("Left By"), name != NULL ? name : _("Not given"));
  if (contact != NULL)
    {
      AdwActionRow *row = add_fact (self, _("Contact"), contact);
      GtkWidget *reveal = gtk_toggle_button_new_with_label (self->revealed ? _("Hide") : _("Show"));

      /* A phone number is personal information: masked until asked for. */
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (reveal), self->revealed);
      gtk_widget_set_valign (reveal, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (reveal, "flat");
      gtk_accessible_update_property (GTK_ACCESSIBLE (reveal), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Show the full phone number"), -1);
      g_object_set_data (G_OBJECT (reveal), "row", row);
      g_signal_connect (reveal, "toggled", G_CALLBACK (on_reveal_toggled), self);
      adw_action_row_add_suffix (row, reveal);
    }
  add_fact (self, _("Assigned To"), assignee != NULL ? member_name (self, assignee) : _("Nobody yet"));
  if (evg_record_get (message, EVG_FEEDBACK_RESPONSE_DUE) != NULL)
    add_fact (self, _("Respond By"), evg_record_get (message, EVG_FEEDBACK_RESPONSE_DUE));
  if (evg_record_get (message, EVG_FEEDBACK_RESOLUTION_DUE) != NULL)
    add_fact (self, _("Conclude By"), evg_record_get (message, EVG_FEEDBACK_RESOLUTION_DUE));
  if (merged_into != NULL)
    {
      g_autoptr(EvgRecord) other = dup_message (self, merged_into);
      g_autofree char *excerpt = dup_excerpt (other != NULL ? evg_record_get (other, EVG_FEEDBACK_CONTENT) : NULL, 30);
      AdwActionRow *row = add_fact (self, _("Merged Into"), excerpt);

      adw_action_row_add_suffix (row, make_open_button (merged_into,
                                                        _("Open the message this one was merged into"), self));
    }
  add_merged_here (self);
}

/* The timeline */

/* Where the message stands by its events, by the rule the service
 * checks each step with: what the buttons may offer. */
static void
read_progress (EvgMessageView *self,
               EvgRecord      *message)
{
  evg_feedback_progress_init (&self->progress, message);
  for (guint i = 0; self->events != NULL && i < self->events->len; i++)
    evg_feedback_progress_add (&self->progress, evg_record_get (g_ptr_array_index (self->events, i),
                                                                EVG_FEEDBACK_EVENT_KIND));
}

/* What an event says beyond its kind and text. */
static char *
describe_event (EvgMessageView *self,
                EvgRecord      *event)
{
  const char *kind = evg_record_get (event, EVG_FEEDBACK_EVENT_KIND);

  if (g_strcmp0 (kind, "assigned") == 0)
    return g_strdup_printf (_("Assigned to %s"),
                            member_name (self, evg_record_get (event, EVG_FEEDBACK_EVENT_ASSIGNEE)));
  if (g_strcmp0 (kind, "callback") == 0)
    return g_strdup_printf ("%s · %s", evg_record_get_choice_label (event, EVG_FEEDBACK_EVENT_RESOLVED),
                            evg_record_get_choice_label (event, EVG_FEEDBACK_EVENT_SATISFIED));
  if (g_strcmp0 (kind, "merged") == 0)
    {
      const char *other_id = evg_record_get (event, EVG_FEEDBACK_EVENT_OTHER_ID);
      g_autoptr(EvgRecord) other = dup_message (self, other_id);
      g_autoptr(EvgRecord) message = dup_message (self, self->message_id);
      g_autofree char *excerpt = dup_excerpt (other != NULL ? evg_record_get (other, EVG_FEEDBACK_CONTENT) : NULL,
                                              24);

      if (message != NULL && g_strcmp0 (evg_record_get (message, EVG_FEEDBACK_MERGED_INTO), other_id) == 0)
        return g_strdup_printf (_("Merged into “%s”"), excerpt);
      return g_strdup_printf (_("“%s” was merged into this message"), excerpt);
    }
  return NULL;
}

static GtkWidget *
make_event_row (EvgMessageView *self,
                EvgRecord      *event)
{
  const char *kind = evg_record_get (event, EVG_FEEDBACK_EVENT_KIND);
  const char *at = evg_record_get (event, EVG_FEEDBACK_EVENT_AT);
  const char *author = evg_record_get (event, EVG_FEEDBACK_EVENT_AUTHOR);
  const char *text = evg_record_get (event, EVG_FEEDBACK_EVENT_TEXT);
  gboolean reply = g_strcmp0 (kind, "reply") == 0;
  gboolean note = g_strcmp0 (kind, "note") == 0;
  g_autofree char *detail = describe_event (self, event);
  g_autofree char *body = NULL;
  g_autoptr(GString) accessible = g_string_new (NULL);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *title = gtk_label_new (evg_record_get_choice_label (event, EVG_FEEDBACK_EVENT_KIND));
  GtkWidget *when = gtk_label_new (at);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (top), title);
  g_string_append (accessible, gtk_label_get_text (GTK_LABEL (title)));
  if (reply || note)
    {
      /* Said in words as well as by colour: who gets to see it. */
      GtkWidget *tag = gtk_label_new (reply ? _("The resident sees this") : _("Internal: not shown to the resident"));

      gtk_widget_add_css_class (tag, "evg-badge");
      gtk_widget_add_css_class (tag, reply ? "evg-badge-public" : "evg-badge-internal");
      gtk_box_append (GTK_BOX (top), tag);
      g_string_append_printf (accessible, " (%s)", gtk_label_get_text (GTK_LABEL (tag)));
    }
  gtk_label_set_xalign (GTK_LABEL (when), 1);
  gtk_widget_set_hexpand (when, TRUE);
  gtk_widget_add_css_class (when, "dim-label");
  gtk_widget_add_css_class (when, "caption");
  gtk_box_append (GTK_BOX (top), when);
  gtk_box_append (GTK_BOX (box), top);
  g_string_append_printf (accessible, ", %s", at != NULL ? at : "");

  if (g_strcmp0 (kind, "excluded") == 0 && text != NULL)
    body = g_strdup_printf (_("Reason: %s"), text);
  else if (detail != NULL && text != NULL)
    body = g_strdup_printf ("%s\n%s", detail, text);
  else
    body = g_strdup (detail != NULL ? detail : text);
  if (body != NULL)
    {
      GtkWidget *label = gtk_label_new (body);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
      g_string_append_printf (accessible, ": %s", body);
    }
  if (author != NULL)
    {
      g_autofree char *by = g_strdup_printf (_("By %s"), author);
      GtkWidget *label = gtk_label_new (by);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
      g_string_append_printf (accessible, "; %s", by);
    }
  if (g_strcmp0 (kind, "whistle") == 0 || g_strcmp0 (kind, "agenda") == 0)
    {
      gboolean whistle = g_strcmp0 (kind, "whistle") == 0;
      GtkWidget *show = gtk_button_new_with_label (whistle ? _("Show the Whistle") : _("Open the Meeting"));

      gtk_widget_set_halign (show, GTK_ALIGN_START);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (show), whistle ? "win.show-whistle" : "win.show-meeting");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (show),
                                              g_variant_new_string (evg_record_get (event, EVG_FEEDBACK_EVENT_OTHER_ID)));
      gtk_box_append (GTK_BOX (box), show);
    }
  if (reply)
    gtk_widget_add_css_class (row, "evg-timeline-reply");
  else if (note)
    gtk_widget_add_css_class (row, "evg-timeline-note");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str, -1);
  g_object_set_data_full (G_OBJECT (row), "evg-text", g_strdup (accessible->str), g_free);
  return row;
}

static void
fill_timeline (EvgMessageView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->timeline))) != NULL)
    gtk_list_box_remove (self->timeline, child);
  if (self->events == NULL || self->events->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("Nothing was done yet. Assign the message, or reply to the resident."));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->timeline, row);
      return;
    }
  for (guint i = 0; i < self->events->len; i++)
    gtk_list_box_append (self->timeline, make_event_row (self, g_ptr_array_index (self->events, i)));
}

/* Duplicates */

static void
on_merge_clicked (GtkButton      *button,
                  EvgMessageView *self)
{
  evg_message_view_merge_duplicate (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

static void
fill_duplicates (EvgMessageView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->duplicates))) != NULL)
    gtk_list_box_remove (self->duplicates, child);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  if (evg_feedback_progress_check (&self->progress, "merged") == NULL)
    self->suggestions = evg_inbox_suggest_duplicates (get_inbox (self), self->message_id, N_SUGGESTIONS);
  gtk_widget_set_visible (self->duplicates_box, self->suggestions != NULL && self->suggestions->len > 0);
  for (guint i = 0; self->suggestions != NULL && i < self->suggestions->len; i++)
    {
      EvgRecord *other = g_ptr_array_index (self->suggestions, i);
      const char *name = evg_record_get (other, EVG_FEEDBACK_FROM_NAME);
      g_autofree char *excerpt = dup_excerpt (evg_record_get (other, EVG_FEEDBACK_CONTENT), 40);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", evg_record_get (other, EVG_FEEDBACK_RECEIVED_AT),
                                                   name != NULL ? name : _("name not given"));
      g_autofree char *accessible = g_strdup_printf (_("Merge “%s” into this message"), excerpt);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *merge = gtk_button_new_with_label (_("Merge Here"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), excerpt);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (merge, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (merge, accessible);
      gtk_accessible_update_property (GTK_ACCESSIBLE (merge), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data (G_OBJECT (merge), "index", GUINT_TO_POINTER (i));
      g_signal_connect (merge, "clicked", G_CALLBACK (on_merge_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), merge);
      gtk_list_box_append (self->duplicates, row);
    }
}

/* The steps the message can take now; the service checks each again. */
static void
update_actions (EvgMessageView *self,
                gboolean        shown)
{
  static const struct { const char *action, *kind; } steps[] = {
    { "message.assign", "assigned" }, { "message.contacted", "contacted" },
    { "message.waiting", "waiting" }, { "message.resume", "resumed" },
    { "message.callback", "callback" }, { "message.conclude", "closed" },
    { "message.reopen", "reopened" }, { "message.exclude", "excluded" },
    { "message.reply", "reply" }, { "message.note", "note" },
    { "message.whistle", "whistle" }, { "message.agenda", "agenda" },
  };
  GtkWidget *widget = GTK_WIDGET (self);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    gtk_widget_action_set_enabled (widget, steps[i].action,
                                   shown && evg_feedback_progress_check (&self->progress, steps[i].kind) == NULL);
  /* The flow box's slot goes with the button, or it leaves a gap. */
  gtk_widget_set_visible (gtk_widget_get_parent (self->waiting_button), !self->progress.waiting);
  gtk_widget_set_visible (gtk_widget_get_parent (self->resume_button), self->progress.waiting);
  gtk_widget_set_visible (self->reply_box,
                          !shown || evg_feedback_progress_check (&self->progress, "reply") == NULL);
}

/**
 * evg_message_view_reload:
 *
 * Reads the shown message and its timeline again.  Text typed into the
 * reply and note boxes stays.
 */
void
evg_message_view_reload (EvgMessageView *self)
{
  g_autoptr(EvgRecord) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *meta = NULL;
  EvgFeedbackFlags flags;

  g_return_if_fail (EVG_IS_MESSAGE_VIEW (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  message = dup_message (self, self->message_id);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  if (message == NULL)
    {
      update_actions (self, FALSE);
      return;
    }
  self->events = evg_inbox_list_events (get_inbox (self), self->message_id, &error);
  if (self->events == NULL)
    show_error (self, error->message);
  read_progress (self, message);
  flags = evg_inbox_get_flags (get_inbox (self), self->message_id);

  fill_badges (self, message, flags);
  gtk_label_set_text (self->content_label, evg_record_get (message, EVG_FEEDBACK_CONTENT));
  meta = dup_meta (message);
  gtk_label_set_text (self->meta_label, meta);
  fill_facts (self, message);
  fill_duplicates (self);
  fill_timeline (self);
  update_actions (self, TRUE);
}

static gboolean
reload_idle (gpointer data)
{
  EvgMessageView *self = data;

  self->reload_id = 0;
  evg_message_view_reload (self);
  return G_SOURCE_REMOVE;
}

/* A change of a message or its events, made here or by sync: read the
 * shown one again once the burst is over. */
static void
on_store_changed (EvgMessageView *self,
                  const char     *table,
                  GPtrArray      *ids,
                  EvgStore       *store)
{
  if (self->message_id == NULL || self->reload_id != 0)
    return;
  if (g_strcmp0 (table, evg_feedback_table.name) != 0 && g_strcmp0 (table, evg_feedback_event_table.name) != 0 &&
      g_strcmp0 (table, evg_member_table.name) != 0)
    return;
  self->reload_id = g_idle_add (reload_idle, self);
}

/* Actions */

static char *
dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

/* The reply or note is recorded, or stays in its box with the reason. */
static void
send_text (EvgMessageView *self,
           GtkTextView    *view,
           const char     *kind,
           const char     *done)
{
  g_autofree char *text = dup_text (view);

  if (record_step (self, kind, *text != '\0' ? text : NULL, done))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), "", -1);
}

static void
reply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  EvgMessageView *self = EVG_MESSAGE_VIEW (widget);

  send_text (self, self->reply_view, "reply", _("The reply is recorded"));
}

static void
note_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EvgMessageView *self = EVG_MESSAGE_VIEW (widget);

  send_text (self, self->note_view, "note", _("The note is added"));
}

/* The steps that need nothing more than the message. */
static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  static const struct { const char *action, *kind, *done; } steps[] = {
    { "message.contacted", "contacted", N_("Recorded: the resident was contacted") },
    { "message.waiting", "waiting", N_("Waiting for the resident: the due times stand still") },
    { "message.resume", "resumed", N_("Resumed: the due times run again") },
    { "message.conclude", "closed", N_("The message is concluded") },
    { "message.reopen", "reopened", N_("The message is open again") },
  };
  EvgMessageView *self = EVG_MESSAGE_VIEW (widget);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_str_equal (action_name, steps[i].action))
      record_step (self, steps[i].kind, NULL, _(steps[i].done));
}

static void
on_member_picked (EvgMemberPicker *picker,
                  const char      *member_id,
                  EvgMessageView  *self)
{
  g_autoptr(EvgRecord) event = evg_record_new (&evg_feedback_event_table, NULL);
  g_autofree char *done = g_strdup_printf (_("Assigned to %s"), member_name (self, member_id));

  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, "assigned");
  evg_record_set (event, EVG_FEEDBACK_EVENT_ASSIGNEE, member_id);
  add_event (self, event, done);
}

static void
assign_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EvgMessageView *self = EVG_MESSAGE_VIEW (widget);
  EvgMemberPicker *picker;

  if (self->message_id == NULL)
    return;
  picker = evg_member_picker_new (evg_context_get_roster (self->context));
  gtk_window_set_transient_for (GTK_WINDOW (picker), GTK_WINDOW (gtk_widget_get_root (widget)));
  g_signal_connect_object (picker, "picked", G_CALLBACK (on_member_picked), self, 0);
  gtk_window_present (GTK_WINDOW (picker));
}

/* The callback dialog: two answers to choose, neither chosen for the
 * secretary, and what the resident said. */
static GtkWidget *
make_choice_drop_down (const EvgColumnSpec *column,
                       const char          *name)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *dropdown;

  gtk_string_list_append (labels, _("Choose…"));
  for (guint i = 0; i < column->n_choices; i++)
    gtk_string_list_append (labels, _(column->choices[i].label));
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
  evg_drop_down_set_accessible_name (GTK_DROP_DOWN (dropdown), name);
  return dropdown;
}

static const char *
chosen_code (GtkDropDown         *dropdown,
             const EvgColumnSpec *column)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  return selected > 0 && selected <= column->n_choices ? column->choices[selected - 1].code : NULL;
}

static void
on_callback_choice (AdwMessageDialog *dialog)
{
  GtkDropDown *resolved = g_object_get_data (G_OBJECT (dialog), "resolved");
  GtkDropDown *satisfied = g_object_get_data (G_OBJECT (dialog), "satisfied");

  adw_message_dialog_set_response_enabled (dialog, "record",
                                           gtk_drop_down_get_selected (resolved) > 0 &&
                                           gtk_drop_down_get_selected (satisfied) > 0);
}

static void
on_callback_response (AdwMessageDialog *dialog,
                      const char       *response,
                      EvgMessageView   *self)
{
  g_autoptr(EvgRecord) event = NULL;
  g_autofree char *remark = NULL;

  if (g_strcmp0 (response, "record") != 0)
    return;
  remark = g_strstrip (g_strdup (gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "remark"))));
  event = evg_record_new (&evg_feedback_event_table, NULL);
  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, "callback");
  evg_record_set (event, EVG_FEEDBACK_EVENT_RESOLVED,
                  chosen_code (g_object_get_data (G_OBJECT (dialog), "resolved"),
                               evg_feedback_event_field_get_info (EVG_FEEDBACK_EVENT_RESOLVED)));
  evg_record_set (event, EVG_FEEDBACK_EVENT_SATISFIED,
                  chosen_code (g_object_get_data (G_OBJECT (dialog), "satisfied"),
                               evg_feedback_event_field_get_info (EVG_FEEDBACK_EVENT_SATISFIED)));
  evg_record_set (event, EVG_FEEDBACK_EVENT_TEXT, *remark != '\0' ? remark : NULL);
  add_event (self, event, _("The callback is recorded"));
}

static GtkWidget *
labelled (const char *text,
          GtkWidget  *widget)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  return box;
}

static void
callback_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  EvgMessageView *self = EVG_MESSAGE_VIEW (widget);
  GtkWidget *dialog, *box, *resolved, *satisfied, *remark;

  if (self->message_id == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Record the Callback"),
                                   _("Call the resident back (回访) and write down both answers."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  resolved = make_choice_drop_down (evg_feedback_event_field_get_info (EVG_FEEDBACK_EVENT_RESOLVED),
                                    _("Was the problem resolved?"));
  satisfied = make_choice_drop_down (evg_feedback_event_field_get_info (EVG_FEEDBACK_EVENT_SATISFIED),
                                     _("Is the resident satisfied?"));
  remark = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (remark), _("What the resident said (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remark), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What the resident said"), -1);
  gtk_box_append (GTK_BOX (box), labelled (_("Was the problem _resolved?"), resolved));
  gtk_box_append (GTK_BOX (box), labelled (_("Is the resident _satisfied?"), satisfied));
  gtk_box_append (GTK_BOX (box), remark);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "record", _("_Record"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "record", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "record", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "resolved", resolved);
  g_object_set_data (G_OBJECT (dialog), "satisfied", satisfied);
  g_object_set_data (G_OBJECT (dialog), "remark", remark);
  g_signal_connect_swapped (resolved, "notify::selected", G_CALLBACK (on_callback_choice), dialog);
  g_signal_connect_swapped (satisfied, "notify::selected", G_CALLBACK (on_callback_choice), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_callback_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_reason_changed (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "exclude", *reason != '\0');
}

static void
on_exclude_response (AdwMessageDialog *dialog,
                     const char       *response,
                     EvgMessageView   *self)
{
  g_autofree char *reason = NULL;

  if (g_strcmp0 (response, "exclude") != 0)
    return;
  reason = g_strstrip (g_strdup (gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "reason"))));
  record_step (self, "excluded", *reason != '\0' ? reason : NULL, _("The message is left out of the rates"));
}

static void
exclude_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  EvgMessageView *self = EVG_MESSAGE_VIEW (widget);
  GtkWidget *dialog, *reason;

  if (self->message_id == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Leave the Message Out of the Rates?"),
                                   _("It will not count in the response, resolution or satisfaction rate. The "
                                     "reason is kept in the timeline, where the graders read it."));
  reason = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (reason), _("Reason, such as “not within the branch’s remit”"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (reason), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason for leaving it out"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), reason);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "exclude", _("_Leave Out"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "exclude", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "exclude", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "reason", reason);
  g_signal_connect (reason, "changed", G_CALLBACK (on_reason_changed), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_exclude_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A toast whose button shows the other record, in the window's page for it. */
static void
show_linked_toast (EvgMessageView *self,
                   const char     *text,
                   const char     *action,
                   const char     *id)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    return;
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Show"));
  adw_toast_set_action_name (toast, action);
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

/* A message turned into work: a whistle members report to, or an item
 * on the next 主题党日's agenda.  Either is linked on the timeline. */
static void
link_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EvgMessageView *self = EVG_MESSAGE_VIEW (widget);
  gboolean whistle = g_str_equal (action_name, "message.whistle");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->message_id == NULL)
    return;
  id = whistle ? evg_context_raise_whistle_for (self->context, self->message_id, &error)
               : evg_context_put_on_agenda (self->context, self->message_id, &error);
  if (id == NULL)
    {
      show_error (self, error->message);
      return;
    }
  clear_error (self);
  evg_message_view_reload (self);
  show_linked_toast (self, whistle ? _("A whistle is raised for the message") : _("The message is on the 主题党日 agenda"),
                     whistle ? "win.show-whistle" : "win.show-meeting", id);
}

static void
dismiss_error_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  clear_error (EVG_MESSAGE_VIEW (widget));
}

/* Set-up */

static void
evg_message_view_dispose (GObject *object)
{
  EvgMessageView *self = EVG_MESSAGE_VIEW (object);
  GtkWidget *child;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_MESSAGE_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  g_clear_pointer (&self->message_id, g_free);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (evg_message_view_parent_class)->dispose (object);
}

static void
evg_message_view_class_init (EvgMessageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_message_view_dispose;

  /**
   * EvgMessageView::open-message:
   * @id: the message to show
   *
   * Asks for another message to be shown: the one this was merged into.
   */
  signals[OPEN_MESSAGE] = g_signal_new ("open-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-message-view.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, EvgMessageView, name)
  BIND (error_revealer);
  BIND (error_label);
  BIND (scroller);
  BIND (back_button);
  BIND (badges);
  BIND (content_label);
  BIND (meta_label);
  BIND (facts);
  BIND (waiting_button);
  BIND (resume_button);
  BIND (whistle_button);
  BIND (agenda_button);
  BIND (duplicates_box);
  BIND (duplicates);
  BIND (timeline);
  BIND (reply_box);
  BIND (reply_view);
  BIND (note_view);
#undef BIND

  gtk_widget_class_install_action (widget_class, "message.reply", NULL, reply_action);
  gtk_widget_class_install_action (widget_class, "message.note", NULL, note_action);
  gtk_widget_class_install_action (widget_class, "message.assign", NULL, assign_action);
  gtk_widget_class_install_action (widget_class, "message.contacted", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "message.waiting", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "message.resume", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "message.conclude", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "message.reopen", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "message.callback", NULL, callback_action);
  gtk_widget_class_install_action (widget_class, "message.exclude", NULL, exclude_action);
  gtk_widget_class_install_action (widget_class, "message.whistle", NULL, link_action);
  gtk_widget_class_install_action (widget_class, "message.agenda", NULL, link_action);
  gtk_widget_class_install_action (widget_class, "message.dismiss-error", NULL, dismiss_error_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* Ctrl+Enter sends what was typed in @view. */
static void
add_send_shortcut (GtkTextView *view,
                   const char  *action)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                          gtk_named_action_new (action)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK),
                                                          gtk_named_action_new (action)));
  gtk_widget_add_controller (GTK_WIDGET (view), controller);
}

static void
evg_message_view_init (EvgMessageView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_send_shortcut (self->reply_view, "message.reply");
  add_send_shortcut (self->note_view, "message.note");
  update_actions (self, FALSE);
}

void
evg_message_view_set_context (EvgMessageView *self,
                              EvgContext     *context)
{
  g_return_if_fail (EVG_IS_MESSAGE_VIEW (self));

  if (self->context == context)
    return;
  g_return_if_fail (self->context == NULL);
  self->context = g_object_ref (context);
  g_signal_connect_object (evg_context_get_store (context), "changed", G_CALLBACK (on_store_changed), self,
                           G_CONNECT_SWAPPED);
}

/**
 * evg_message_view_set_message:
 * @id: (nullable): the message to show
 *
 * Shows the message @id.  Another message starts with its contact masked,
 * with no error shown, and with empty reply and note boxes.
 */
void
evg_message_view_set_message (EvgMessageView *self,
                              const char     *id)
{
  g_return_if_fail (EVG_IS_MESSAGE_VIEW (self));

  if (g_strcmp0 (self->message_id, id) != 0)
    {
      g_free (self->message_id);
      self->message_id = g_strdup (id);
      self->revealed = FALSE;
      clear_error (self);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->reply_view), "", -1);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), "", -1);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
    }
  evg_message_view_reload (self);
}

const char *
evg_message_view_get_message (EvgMessageView *self)
{
  g_return_val_if_fail (EVG_IS_MESSAGE_VIEW (self), NULL);
  return self->message_id;
}

void
evg_message_view_set_back_visible (EvgMessageView *self,
                                   gboolean        visible)
{
  g_return_if_fail (EVG_IS_MESSAGE_VIEW (self));
  gtk_widget_set_visible (self->back_button, visible);
}

/* The error shown, or NULL. */
const char *
evg_message_view_get_error (EvgMessageView *self)
{
  g_return_val_if_fail (EVG_IS_MESSAGE_VIEW (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->error_revealer))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

GtkTextView *
evg_message_view_get_reply_view (EvgMessageView *self)
{
  g_return_val_if_fail (EVG_IS_MESSAGE_VIEW (self), NULL);
  return self->reply_view;
}

GtkTextView *
evg_message_view_get_note_view (EvgMessageView *self)
{
  g_return_val_if_fail (EVG_IS_MESSAGE_VIEW (self), NULL);
  return self->note_view;
}

/**
 * evg_message_view_dup_timeline:
 *
 * Returns: (transfer full): the timeline as a screen reader reads it, one
 *   event a line
 */
char *
evg_message_view_dup_timeline (EvgMessageView *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (EVG_IS_MESSAGE_VIEW (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->timeline)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *line = g_object_get_data (G_OBJECT (row), "evg-text");

      if (line != NULL)
        g_string_append_printf (text, "%s\n", line);
    }
  return g_string_free (text, FALSE);
}

/* The contact as shown (masked unless revealed), or NULL. */
char *
evg_message_view_dup_contact_text (EvgMessageView *self)
{
  g_autoptr(EvgRecord) message = NULL;

  g_return_val_if_fail (EVG_IS_MESSAGE_VIEW (self), NULL);
  message = dup_message (self, self->message_id);
  return message != NULL ? dup_contact_text (self, message) : NULL;
}

guint
evg_message_view_get_n_duplicates (EvgMessageView *self)
{
  g_return_val_if_fail (EVG_IS_MESSAGE_VIEW (self), 0);
  return self->suggestions != NULL ? self->suggestions->len : 0;
}

/**
 * evg_message_view_merge_duplicate:
 * @index: the suggestion's place in the list, from 0
 *
 * Merges a suggested duplicate into the shown message, so that its
 * resident gets the shown message's reply.
 *
 * Returns: whether it was merged
 */
gboolean
evg_message_view_merge_duplicate (EvgMessageView *self,
                                  guint           index)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *duplicate = NULL;

  g_return_val_if_fail (EVG_IS_MESSAGE_VIEW (self), FALSE);

  if (self->suggestions == NULL || index >= self->suggestions->len)
    return FALSE;
  duplicate = g_strdup (evg_record_get_id (g_ptr_array_index (self->suggestions, index)));
  if (!evg_inbox_merge (get_inbox (self), duplicate, self->message_id, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  clear_error (self);
  evg_message_view_reload (self);
  show_toast (self, _("Merged: its resident will get this message’s reply"));
  return TRUE;
}
