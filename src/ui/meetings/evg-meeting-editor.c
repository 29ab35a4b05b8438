/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-meeting-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-meeting-editor.h"
#include "evg-meeting-print.h"
#include "evg-party-group.h"
#include "evg-validate.h"

/* One meeting's record: its details, agenda and minutes, the attendance
 * sheet with a live quorum panel, resolutions with their votes, and once
 * it is signed, the dated corrections under it.  Details are written on
 * Save; attendance and resolutions as they are marked, each in its own
 * transaction, once the meeting is stored. */

/* The statuses a secretary picks from; signing and archiving have their
 * own commands. */
static const char * const editable_statuses[] = { "planned", "held", "cancelled" };

/* The attendance drop-down: nothing marked, then the four statuses. */
static const char * const sheet_statuses[] = { NULL, "present", "late", "leave", "absent" };

struct _EvgMeetingEditor
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkWidget           *save_button;
  GtkWidget           *sign_button;
  GtkWidget           *error_revealer;
  GtkLabel            *error_label;
  GtkLabel            *locked_label;
  GtkWidget           *details_group;
  AdwComboRow         *type_row;
  AdwEntryRow         *title_row;
  AdwEntryRow         *date_row;
  AdwEntryRow         *start_row;
  AdwEntryRow         *end_row;
  AdwEntryRow         *place_row;
  AdwComboRow         *group_row;
  AdwComboRow         *status_row;
  GtkWidget           *election_row;
  GtkSwitch           *election_switch;
  GtkWidget           *votes_box;
  AdwEntryRow         *chair_row;
  AdwEntryRow         *recorder_row;
  AdwEntryRow         *observers_row;
  GtkTextView         *agenda_view;
  GtkListBox          *linked_list;
  GtkTextView         *minutes_view;
  GtkWidget           *attendance_group;
  GtkLabel            *quorum_label;
  GtkListView         *sheet_view;
  GtkWidget           *resolutions_group;
  GtkListBox          *resolutions_list;
  GtkWidget           *resolution_form;
  GtkEntry            *resolution_entry;
  GtkSpinButton       *for_spin;
  GtkSpinButton       *against_spin;
  GtkSpinButton       *abstain_spin;
  GtkWidget           *addenda_group;
  GtkListBox          *addenda_list;
  GtkEntry            *addendum_entry;
  GtkEntry            *addendum_author;

  /* Owned */
  EvgContext          *context;
  EvgCalendar         *calendar;
  EvgMeeting          *meeting;     /* as stored; NULL until saved */
  GListModel          *sheet;
  GListModel          *groups;
  char                *day;
  char                *error;
  char                *quorum_text;
  EvgQuorum            quorum;
};

G_DEFINE_FINAL_TYPE (EvgMeetingEditor, evg_meeting_editor, ADW_TYPE_WINDOW)

static void
on_show_message (GtkButton        *button,
                 EvgMeetingEditor *self)
{
  GtkWindow *main_window = gtk_window_get_transient_for (GTK_WINDOW (self));
  const char *id = g_object_get_data (G_OBJECT (button), "message-id");

  if (main_window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (main_window), "win.show-message", "s", id);
}

/* The residents' messages put on this meeting's agenda from the message
 * board, each with the way back to it. */
static void
show_linked_messages (EvgMeetingEditor *self,
                      const char       *meeting_id)
{
  EvgInbox *inbox = evg_context_get_inbox (self->context);
  g_autoptr(GPtrArray) links = meeting_id != NULL ? evg_inbox_find_linked (inbox, meeting_id) : NULL;
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->linked_list))) != NULL)
    gtk_list_box_remove (self->linked_list, child);
  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      EvgRecord *link = g_ptr_array_index (links, i);
      const char *message_id = evg_record_get (link, EVG_FEEDBACK_EVENT_FEEDBACK_ID);
      g_autoptr(EvgRecord) message = NULL;
      GtkWidget *row, *button;
      g_autofree char *subtitle = NULL;

      if (g_strcmp0 (evg_record_get (link, EVG_FEEDBACK_EVENT_KIND), "agenda") != 0)
        continue;
      message = evg_inbox_dup_message (inbox, message_id);
      if (message == NULL)
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), evg_record_get (message, EVG_FEEDBACK_CONTENT));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      subtitle = g_strdup_printf (_("Residents’ message of %s"), evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      button = gtk_button_new_with_label (_("See Message"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (button), "message-id", g_strdup (message_id), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_show_message), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->linked_list, row);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->linked_list), shown > 0);
}

static void
show_error (EvgMeetingEditor *self,
            const char       *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (self->error_revealer, message != NULL);
}

static char *
text_view_dup (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
text_view_set (GtkTextView *view,
               const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

static const char *
entry_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
entry_set (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static EvgMeetingKind
selected_kind (EvgMeetingEditor *self)
{
  return (EvgMeetingKind) MIN (adw_combo_row_get_selected (self->type_row), EVG_MEETING_N_KINDS - 1);
}

/* The form as a meeting, over the stored one (or a new one). */
static EvgMeeting *
read_form (EvgMeetingEditor *self)
{
  EvgMeeting *meeting = self->meeting != NULL ? evg_meeting_copy (self->meeting) : evg_meeting_new (NULL);
  g_autofree char *starts = NULL, *ends = NULL, *agenda = NULL, *minutes = NULL;
  const char *date = entry_text (self->date_row);
  guint status = adw_combo_row_get_selected (self->status_row);
  guint group = adw_combo_row_get_selected (self->group_row);

  evg_meeting_set (meeting, EVG_MEETING_TYPE, evg_meeting_kind_to_code (selected_kind (self)));
  evg_meeting_set (meeting, EVG_MEETING_TITLE, g_strstrip (g_strdup (entry_text (self->title_row))));
  starts = g_strdup_printf ("%s %s", date, entry_text (self->start_row));
  evg_meeting_set (meeting, EVG_MEETING_STARTS_AT, *entry_text (self->start_row) != '\0' ? starts : date);
  if (*entry_text (self->end_row) != '\0')
    {
      ends = g_strdup_printf ("%s %s", date, entry_text (self->end_row));
      evg_meeting_set (meeting, EVG_MEETING_ENDS_AT, ends);
    }
  else
    evg_meeting_set (meeting, EVG_MEETING_ENDS_AT, NULL);
  evg_meeting_set (meeting, EVG_MEETING_PLACE, entry_text (self->place_row));
  evg_meeting_set (meeting, EVG_MEETING_CHAIR, entry_text (self->chair_row));
  evg_meeting_set (meeting, EVG_MEETING_RECORDER, entry_text (self->recorder_row));
  evg_meeting_set (meeting, EVG_MEETING_OBSERVERS, entry_text (self->observers_row));
  if (status < G_N_ELEMENTS (editable_statuses) && !evg_meeting_is_locked (meeting))
    evg_meeting_set (meeting, EVG_MEETING_STATUS, editable_statuses[status]);
  evg_meeting_set (meeting, EVG_MEETING_IS_ELECTION,
                   gtk_switch_get_active (self->election_switch) &&
                   selected_kind (self) == EVG_MEETING_KIND_GENERAL ? "1" : "0");
  if (selected_kind (self) == EVG_MEETING_KIND_GROUP && group != GTK_INVALID_LIST_POSITION &&
      group < g_list_model_get_n_items (self->groups))
    {
      g_autoptr(EvgPartyGroup) party_group = g_list_model_get_item (self->groups, group);

      evg_meeting_set (meeting, EVG_MEETING_PARTY_GROUP_ID, evg_party_group_get_id (party_group));
    }
  else
    evg_meeting_set (meeting, EVG_MEETING_PARTY_GROUP_ID, NULL);
  agenda = text_view_dup (self->agenda_view);
  minutes = text_view_dup (self->minutes_view);
  evg_meeting_set (meeting, EVG_MEETING_AGENDA, agenda);
  evg_meeting_set (meeting, EVG_MEETING_MINUTES, minutes);
  return meeting;
}

static void
update_quorum (EvgMeetingEditor *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  EvgMeetingKind kind;

  if (self->sheet == NULL)
    return;
  evg_calendar_count_quorum (self->calendar, self->sheet, &self->quorum);
  kind = evg_meeting_get_kind (self->meeting);
  g_string_append_printf (text, _("Due %u · present %u (late %u) · on leave %u · absent %u · not marked %u"),
                          self->quorum.due, self->quorum.present, self->quorum.late,
                          self->quorum.on_leave, self->quorum.absent, self->quorum.unmarked);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Voting members due %u, present %u."),
                          self->quorum.due_voting, self->quorum.present_voting);
  g_string_append_c (text, ' ');
  if (kind == EVG_MEETING_KIND_COMMITTEE)
    g_string_append (text, self->quorum.quorate ? _("More than half of the committee is present: the meeting is valid.")
                                                : _("Not more than half of the committee is present: the meeting is not valid."));
  else
    g_string_append (text, self->quorum.may_vote ? _("More than half of the voting members are present: the meeting may vote.")
                                                 : _("Not more than half of the voting members are present: the meeting may not vote."));
  if (g_strcmp0 (evg_meeting_get (self->meeting, EVG_MEETING_IS_ELECTION), "1") == 0)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, self->quorum.election_valid ? _("Four fifths are present: the election is valid.")
                                                         : _("Fewer than four fifths are present: the election is not valid."));
    }
  g_free (self->quorum_text);
  self->quorum_text = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_label_set_text (self->quorum_label, self->quorum_text);
}

/* Resolutions */

static void refresh_resolutions (EvgMeetingEditor *self);
static void on_type_changed (EvgMeetingEditor *self);
static void update_makeup (GtkWidget   *box,
                           EvgAttendee *attendee);

static GtkWidget *
resolution_row (EvgMeetingEditor  *self,
                EvgResolutionInfo *info,
                guint              number)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_strdup_printf ("%u. %s", number, info->text);
  g_autofree char *votes = NULL;
  GtkWidget *result;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (info->votes_for >= 0)
    {
      g_autofree char *n_for = g_strdup_printf ("%" G_GINT64_FORMAT, info->votes_for);
      g_autofree char *n_against = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (info->votes_against, 0));
      g_autofree char *n_abstain = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (info->votes_abstain, 0));

      votes = g_strdup_printf (_("For %s, against %s, abstaining %s"), n_for, n_against, n_abstain);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), votes);
      result = gtk_label_new (evg_quorum_resolution_passes (&self->quorum, info->votes_for)
                              ? _("Passed") : _("Not passed"));
      gtk_widget_add_css_class (result, evg_quorum_resolution_passes (&self->quorum, info->votes_for)
                                        ? "success" : "error");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), result);
    }
  return row;
}

static void
refresh_resolutions (EvgMeetingEditor *self)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->resolutions_list))) != NULL)
    gtk_list_box_remove (self->resolutions_list, child);
  if (self->meeting == NULL)
    return;
  list = evg_calendar_list_resolutions (self->calendar, evg_meeting_get_id (self->meeting), &error);
  if (list == NULL)
    {
      show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    gtk_list_box_append (self->resolutions_list, resolution_row (self, g_ptr_array_index (list, i), i + 1));
  gtk_widget_set_visible (GTK_WIDGET (self->resolutions_list), list->len > 0);
}

static void
refresh_addenda (EvgMeetingEditor *self)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->addenda_list))) != NULL)
    gtk_list_box_remove (self->addenda_list, child);
  if (self->meeting == NULL)
    return;
  list = evg_calendar_list_addenda (self->calendar, evg_meeting_get_id (self->meeting), &error);
  if (list == NULL)
    {
      show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    {
      EvgAddendumInfo *info = g_ptr_array_index (list, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", info->written_on, info->author);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->text);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->addenda_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->addenda_list), list->len > 0);
}

/* Attendance sheet */

/* Records @status for @attendee; on failure the line shows what is
 * stored and the error says why. */
static gboolean
mark_attendee (EvgMeetingEditor *self,
               EvgAttendee      *attendee,
               const char       *status)
{
  g_autofree char *before = g_strdup (evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS));
  g_autoptr(GError) error = NULL;

  evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, status);
  if (!evg_calendar_save_attendance (self->calendar, self->meeting, attendee, &error))
    {
      evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, before);
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  update_quorum (self);
  refresh_resolutions (self);
  return TRUE;
}

static void
on_status_selected (GtkDropDown      *dropdown,
                    GParamSpec       *pspec,
                    EvgMeetingEditor *self)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (dropdown), "item");
  EvgAttendee *attendee = item != NULL ? gtk_list_item_get_item (item) : NULL;
  guint selected = gtk_drop_down_get_selected (dropdown);
  const char *status = selected < G_N_ELEMENTS (sheet_statuses) ? sheet_statuses[selected] : NULL;

  if (attendee == NULL || g_object_get_data (G_OBJECT (dropdown), "binding") != NULL ||
      g_strcmp0 (evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS), status) == 0)
    return;
  if (!mark_attendee (self, attendee, status))
    {
      g_object_set_data (G_OBJECT (dropdown), "binding", GINT_TO_POINTER (1));
      gtk_drop_down_set_selected (dropdown, 0);
      g_object_set_data (G_OBJECT (dropdown), "binding", NULL);
    }
  update_makeup (gtk_widget_get_parent (GTK_WIDGET (dropdown)), attendee);
}

static guint
status_position (const char *status)
{
  for (guint i = 1; i < G_N_ELEMENTS (sheet_statuses); i++)
    if (g_strcmp0 (status, sheet_statuses[i]) == 0)
      return i;
  return 0;
}

static gboolean
owes_makeup (const char *status)
{
  return g_strcmp0 (status, "absent") == 0 || g_strcmp0 (status, "leave") == 0;
}

/* 补学 done today, or undone: possible after signing too. */
static void
on_makeup_toggled (GtkCheckButton   *check,
                   EvgMeetingEditor *self)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (check), "item");
  EvgAttendee *attendee = item != NULL ? gtk_list_item_get_item (item) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = NULL;
  gboolean done = gtk_check_button_get_active (check);
  GDate date;

  if (attendee == NULL || g_object_get_data (G_OBJECT (check), "binding") != NULL ||
      done == (evg_attendee_get (attendee, EVG_ATTENDANCE_MAKEUP_DONE_ON) != NULL))
    return;
  evg_date_set_today (&date);
  today = evg_format_date (&date);
  if (!evg_calendar_record_makeup (self->calendar, self->meeting, attendee, done ? today : NULL, &error))
    {
      show_error (self, error->message);
      g_object_set_data (G_OBJECT (check), "binding", GINT_TO_POINTER (1));
      gtk_check_button_set_active (check, !done);
      g_object_set_data (G_OBJECT (check), "binding", NULL);
      return;
    }
  show_error (self, NULL);
}

static void
setup_sheet_row (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 EvgMeetingEditor         *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *note = gtk_label_new (NULL);
  GtkStringList *labels = gtk_string_list_new (NULL);
  GtkWidget *dropdown, *makeup;

  gtk_string_list_append (labels, _("Not marked"));
  for (guint i = 1; i < G_N_ELEMENTS (sheet_statuses); i++)
    {
      const EvgChoice *choice = evg_column_spec_find_choice (evg_attendance_field_get_info (EVG_ATTENDANCE_STATUS),
                                                             sheet_statuses[i]);

      gtk_string_list_append (labels, _(choice->label));
    }
  dropdown = gtk_drop_down_new (G_LIST_MODEL (labels), NULL);
  g_object_set_data (G_OBJECT (dropdown), "item", item);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_status_selected), self);
  makeup = gtk_check_button_new_with_label (_("Make-up study done"));
  g_object_set_data (G_OBJECT (makeup), "item", item);
  g_signal_connect (makeup, "toggled", G_CALLBACK (on_makeup_toggled), self);

  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 2);
  gtk_widget_set_margin_bottom (box, 2);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), note);
  gtk_box_append (GTK_BOX (box), makeup);
  gtk_box_append (GTK_BOX (box), dropdown);
  g_object_set_data (G_OBJECT (box), "makeup", makeup);
  g_object_set_data (G_OBJECT (box), "name", name);
  g_object_set_data (G_OBJECT (box), "note", note);
  g_object_set_data (G_OBJECT (box), "dropdown", dropdown);
  gtk_list_item_set_child (item, box);
}

/* The 补学 box of a line: shown for absentees, ticked when done. */
static void
update_makeup (GtkWidget   *box,
               EvgAttendee *attendee)
{
  GtkWidget *makeup = g_object_get_data (G_OBJECT (box), "makeup");

  gtk_widget_set_visible (makeup, evg_attendee_get_recorded (attendee) &&
                                  owes_makeup (evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS)));
  g_object_set_data (G_OBJECT (makeup), "binding", GINT_TO_POINTER (1));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (makeup),
                               evg_attendee_get (attendee, EVG_ATTENDANCE_MAKEUP_DONE_ON) != NULL);
  g_object_set_data (G_OBJECT (makeup), "binding", NULL);
}

static void
bind_sheet_row (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                EvgMeetingEditor         *self)
{
  EvgAttendee *attendee = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *dropdown = g_object_get_data (G_OBJECT (box), "dropdown");
  g_autofree char *accessible = NULL;
  const char *note;

  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "name"), evg_attendee_get_name (attendee));
  if (!evg_attendee_get_due (attendee))
    note = _("not due that day");
  else if (evg_attendee_get (attendee, EVG_ATTENDANCE_EXCLUDED_REASON) != NULL)
    note = _("not counted");
  else if (!evg_attendee_get_voting (attendee))
    note = _("no vote");
  else
    note = "";
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "note"), note);
  /* The drop-down shows the stored status without saving it again. */
  g_object_set_data (G_OBJECT (dropdown), "binding", GINT_TO_POINTER (1));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown),
                              status_position (evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS)));
  g_object_set_data (G_OBJECT (dropdown), "binding", NULL);
  gtk_widget_set_sensitive (dropdown, self->meeting != NULL && !evg_meeting_is_locked (self->meeting));
  update_makeup (box, attendee);
  accessible = g_strdup_printf (_("Attendance of %s"), evg_attendee_get_name (attendee));
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
load_sheet (EvgMeetingEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  g_clear_object (&self->sheet);
  if (self->meeting == NULL)
    return;
  self->sheet = evg_calendar_build_sheet (self->calendar, self->meeting, &error);
  if (self->sheet == NULL)
    {
      show_error (self, error->message);
      return;
    }
  selection = gtk_no_selection_new (g_object_ref (self->sheet));
  gtk_list_view_set_model (self->sheet_view, GTK_SELECTION_MODEL (selection));
  update_quorum (self);
}

/* Shows the stored meeting, or a new one on @day. */
static void
fill_form (EvgMeetingEditor *self)
{
  EvgMeeting *m = self->meeting;
  gboolean locked = m != NULL && evg_meeting_is_locked (m);
  const char *starts = m != NULL ? evg_meeting_get (m, EVG_MEETING_STARTS_AT) : NULL;
  const char *ends = m != NULL ? evg_meeting_get (m, EVG_MEETING_ENDS_AT) : NULL;
  const char *status = m != NULL ? evg_meeting_get (m, EVG_MEETING_STATUS) : "planned";
  const char *group = m != NULL ? evg_meeting_get (m, EVG_MEETING_PARTY_GROUP_ID) : NULL;
  g_autofree char *date = starts != NULL ? g_strndup (starts, 10) : g_strdup (self->day);
  g_autofree char *title = NULL;

  if (m != NULL)
    adw_combo_row_set_selected (self->type_row, evg_meeting_get_kind (m));
  entry_set (self->title_row, m != NULL ? evg_meeting_get (m, EVG_MEETING_TITLE) : NULL);
  entry_set (self->date_row, date);
  entry_set (self->start_row, starts != NULL && strlen (starts) == 16 ? starts + 11 : "14:30");
  entry_set (self->end_row, ends != NULL && strlen (ends) == 16 ? ends + 11 : NULL);
  entry_set (self->place_row, m != NULL ? evg_meeting_get (m, EVG_MEETING_PLACE) : NULL);
  entry_set (self->chair_row, m != NULL ? evg_meeting_get (m, EVG_MEETING_CHAIR) : NULL);
  entry_set (self->recorder_row, m != NULL ? evg_meeting_get (m, EVG_MEETING_RECORDER) : NULL);
  entry_set (self->observers_row, m != NULL ? evg_meeting_get (m, EVG_MEETING_OBSERVERS) : NULL);
  gtk_switch_set_active (self->election_switch,
                         m != NULL && g_strcmp0 (evg_meeting_get (m, EVG_MEETING_IS_ELECTION), "1") == 0);
  for (guint i = 0; i < G_N_ELEMENTS (editable_statuses); i++)
    if (g_strcmp0 (status, editable_statuses[i]) == 0)
      adw_combo_row_set_selected (self->status_row, i);
  for (guint i = 0; group != NULL && i < g_list_model_get_n_items (self->groups); i++)
    {
      g_autoptr(EvgPartyGroup) party_group = g_list_model_get_item (self->groups, i);

      if (g_strcmp0 (evg_party_group_get_id (party_group), group) == 0)
        adw_combo_row_set_selected (self->group_row, i);
    }
  text_view_set (self->agenda_view, m != NULL ? evg_meeting_get (m, EVG_MEETING_AGENDA) : NULL);
  show_linked_messages (self, m != NULL ? evg_meeting_get_id (m) : NULL);
  text_view_set (self->minutes_view, m != NULL ? evg_meeting_get (m, EVG_MEETING_MINUTES) : NULL);

  title = m != NULL ? evg_meeting_dup_display_title (m) : g_strdup (_("New Meeting"));
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title,
                                 m != NULL ? evg_meeting_status_get_label (status) : "");

  /* A signed or archived record is read, not edited. */
  gtk_widget_set_sensitive (self->details_group, !locked);
  gtk_text_view_set_editable (self->agenda_view, !locked);
  gtk_text_view_set_editable (self->minutes_view, !locked);
  gtk_widget_set_visible (self->save_button, !locked);
  gtk_widget_set_visible (self->sign_button, m != NULL && g_strcmp0 (status, "held") == 0);
  gtk_widget_set_visible (self->attendance_group, m != NULL);
  gtk_widget_set_visible (self->resolutions_group, m != NULL);
  gtk_widget_set_visible (self->resolution_form, m != NULL && !locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.all-present", m != NULL && !locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.print", m != NULL);
  gtk_widget_set_visible (self->addenda_group, locked);
  gtk_widget_set_visible (GTK_WIDGET (self->locked_label), locked || m == NULL);
  if (locked)
    {
      g_autofree char *text = g_strdup_printf (_("This record is %s and can no longer be changed. "
                                                 "Corrections are added below with their date."),
                                               evg_meeting_status_get_label (status));

      gtk_label_set_text (self->locked_label, text);
    }
  else if (m == NULL)
    gtk_label_set_text (self->locked_label,
                        _("Save the meeting first; then its attendance and resolutions can be recorded."));
  on_type_changed (self);
}

/* The fields the type needs: a 党小组会 its group; only the 支部党员大会
 * votes (a 支委会 decides without counting votes) and elects. */
static void
on_type_changed (EvgMeetingEditor *self)
{
  EvgMeetingKind kind = selected_kind (self);

  gtk_widget_set_visible (GTK_WIDGET (self->group_row), kind == EVG_MEETING_KIND_GROUP);
  gtk_widget_set_visible (self->election_row, kind == EVG_MEETING_KIND_GENERAL);
  gtk_widget_set_visible (self->votes_box, kind == EVG_MEETING_KIND_GENERAL);
}

/**
 * evg_meeting_editor_save:
 *
 * Writes the form.  A new meeting stays open, now with its attendance
 * sheet.
 *
 * Returns: whether it was saved; else the problems are shown
 */
gboolean
evg_meeting_editor_save (EvgMeetingEditor *self)
{
  g_autoptr(EvgMeeting) edited = read_form (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gboolean was_new = self->meeting == NULL;

  g_return_val_if_fail (EVG_IS_MEETING_EDITOR (self), FALSE);

  id = evg_calendar_save (self->calendar, edited, NULL, &error);
  if (id == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  g_set_object (&self->meeting, evg_calendar_lookup (self->calendar, id));
  fill_form (self);
  if (was_new || self->sheet == NULL)
    load_sheet (self);
  else
    {
      /* The day or the group may have changed who is due. */
      load_sheet (self);
    }
  refresh_resolutions (self);
  return TRUE;
}

static gboolean
form_changed (EvgMeetingEditor *self)
{
  g_autoptr(EvgMeeting) edited = NULL;
  g_autoptr(EvgFieldSet) diff = NULL;

  if (self->meeting != NULL && evg_meeting_is_locked (self->meeting))
    return FALSE;
  edited = read_form (self);
  if (self->meeting == NULL)
    return *entry_text (self->title_row) != '\0' || evg_meeting_get (edited, EVG_MEETING_AGENDA) != NULL ||
           evg_meeting_get (edited, EVG_MEETING_MINUTES) != NULL;
  diff = evg_meeting_diff (edited, self->meeting);
  return evg_field_set_count (diff) > 0;
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     EvgMeetingEditor *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    gtk_window_destroy (GTK_WINDOW (self));
  else if (g_strcmp0 (response, "save") == 0 && evg_meeting_editor_save (self))
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
close_action (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  EvgMeetingEditor *self = EVG_MEETING_EDITOR (widget);
  GtkWidget *dialog;

  if (!form_changed (self))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save the changes?"),
                                   _("The meeting’s details were changed and not saved."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_discard_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
on_close_request (GtkWindow *window)
{
  if (!form_changed (EVG_MEETING_EDITOR (window)))
    return FALSE;
  close_action (GTK_WIDGET (window), "editor.close", NULL);
  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  evg_meeting_editor_save (EVG_MEETING_EDITOR (widget));
}

/* What is printed is the record as stored: changes in the form are saved
 * first, or, when they cannot be, shown with their problems instead. */
static void
print_action (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  EvgMeetingEditor *self = EVG_MEETING_EDITOR (widget);

  if (form_changed (self) && !evg_meeting_editor_save (self))
    return;
  if (self->meeting != NULL)
    evg_meeting_print_run (GTK_WINDOW (self), self->calendar, self->meeting);
}

static void
all_present_action (GtkWidget  *widget,
                    const char *action,
                    GVariant   *parameter)
{
  EvgMeetingEditor *self = EVG_MEETING_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (self->sheet == NULL)
    return;
  evg_calendar_mark_all_present (self->calendar, self->meeting, self->sheet, &error);
  if (error != NULL)
    show_error (self, error->message);
  else
    show_error (self, NULL);
  /* The rows show the new marks. */
  load_sheet (self);
  refresh_resolutions (self);
}

static void
add_resolution_action (GtkWidget  *widget,
                       const char *action,
                       GVariant   *parameter)
{
  EvgMeetingEditor *self = EVG_MEETING_EDITOR (widget);
  EvgResolutionInfo info = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) existing = NULL;

  if (self->meeting == NULL)
    return;
  existing = evg_calendar_list_resolutions (self->calendar, evg_meeting_get_id (self->meeting), NULL);
  info.position = existing != NULL ? (int) existing->len + 1 : 1;
  info.text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->resolution_entry)));
  info.votes_for = gtk_spin_button_get_value_as_int (self->for_spin);
  info.votes_against = gtk_spin_button_get_value_as_int (self->against_spin);
  info.votes_abstain = gtk_spin_button_get_value_as_int (self->abstain_spin);
  if (!gtk_widget_get_visible (self->votes_box) ||
      info.votes_for + info.votes_against + info.votes_abstain == 0)
    info.votes_for = info.votes_against = info.votes_abstain = -1;   /* not voted on */
  id = evg_calendar_save_resolution (self->calendar, self->meeting, &info, &self->quorum, &error);
  g_free (info.text);
  g_free (info.id);
  if (id == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->resolution_entry), "");
  gtk_spin_button_set_value (self->for_spin, 0);
  gtk_spin_button_set_value (self->against_spin, 0);
  gtk_spin_button_set_value (self->abstain_spin, 0);
  refresh_resolutions (self);
}

static void
add_addendum_action (GtkWidget  *widget,
                     const char *action,
                     GVariant   *parameter)
{
  EvgMeetingEditor *self = EVG_MEETING_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *today = NULL;
  GDate date;

  if (self->meeting == NULL)
    return;
  evg_date_set_today (&date);
  today = evg_format_date (&date);
  id = evg_calendar_add_addendum (self->calendar, self->meeting,
                                  gtk_editable_get_text (GTK_EDITABLE (self->addendum_author)),
                                  gtk_editable_get_text (GTK_EDITABLE (self->addendum_entry)),
                                  today, &error);
  if (id == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->addendum_entry), "");
  refresh_addenda (self);
}

static void
on_sign_response (AdwMessageDialog *dialog,
                  const char       *response,
                  EvgMeetingEditor *self)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  GtkEditable *chair = g_object_get_data (G_OBJECT (box), "chair");
  GtkEditable *recorder = g_object_get_data (G_OBJECT (box), "recorder");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (g_strcmp0 (response, "sign") != 0)
    return;
  /* Details typed since the last save are saved first, then signed. */
  if (form_changed (self) && !evg_meeting_editor_save (self))
    return;
  id = g_strdup (evg_meeting_get_id (self->meeting));
  if (!evg_calendar_sign (self->calendar, id, gtk_editable_get_text (chair),
                          gtk_editable_get_text (recorder), NULL, &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_set_object (&self->meeting, evg_calendar_lookup (self->calendar, id));
  fill_form (self);
  load_sheet (self);
  refresh_resolutions (self);
  refresh_addenda (self);
}

static GtkWidget *
labelled_entry (GtkWidget  *box,
                const char *label,
                const char *text)
{
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *caption = gtk_label_new_with_mnemonic (label);

  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (caption), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_box_append (GTK_BOX (box), caption);
  gtk_box_append (GTK_BOX (box), entry);
  return entry;
}

static void
sign_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  EvgMeetingEditor *self = EVG_MEETING_EDITOR (widget);
  GtkWidget *dialog, *box;

  if (self->meeting == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign the Record?"),
                                   _("Once the chair and the recorder sign, the record, its attendance "
                                     "and its resolutions are final on every device. Mistakes found "
                                     "later are put right with dated corrections."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_object_set_data (G_OBJECT (box), "chair",
                     labelled_entry (box, _("_Chair"), entry_text (self->chair_row)));
  g_object_set_data (G_OBJECT (box), "recorder",
                     labelled_entry (box, _("_Recorder"), entry_text (self->recorder_row)));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign", _("_Sign"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_sign_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
evg_meeting_editor_dispose (GObject *object)
{
  EvgMeetingEditor *self = EVG_MEETING_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_MEETING_EDITOR);
  g_clear_object (&self->sheet);
  g_clear_object (&self->meeting);
  g_clear_object (&self->groups);
  g_clear_object (&self->calendar);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (evg_meeting_editor_parent_class)->dispose (object);
}

static void
evg_meeting_editor_finalize (GObject *object)
{
  EvgMeetingEditor *self = EVG_MEETING_EDITOR (object);

  g_free (self->day);
  g_free (self->error);
  g_free (self->quorum_text);
  G_OBJECT_CLASS (evg_meeting_editor_parent_class)->finalize (object);
}

static void
evg_meeting_editor_class_init (EvgMeetingEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = evg_meeting_editor_dispose;
  object_class->finalize = evg_meeting_editor_finalize;
  window_class->close_request = on_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/evanguard/Workstation/ui/evg-meeting-editor.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, EvgMeetingEditor, name)
  BIND (window_title);
  BIND (save_button);
  BIND (sign_button);
  BIND (error_revealer);
  BIND (error_label);
  BIND (locked_label);
  BIND (details_group);
  BIND (type_row);
  BIND (title_row);
  BIND (date_row);
  BIND (start_row);
  BIND (end_row);
  BIND (place_row);
  BIND (group_row);
  BIND (status_row);
  BIND (election_row);
  BIND (election_switch);
  BIND (votes_box);
  BIND (chair_row);
  BIND (recorder_row);
  BIND (observers_row);
  BIND (agenda_view);
  BIND (linked_list);
  BIND (minutes_view);
  BIND (attendance_group);
  BIND (quorum_label);
  BIND (sheet_view);
  BIND (resolutions_group);
  BIND (resolutions_list);
  BIND (resolution_form);
  BIND (resolution_entry);
  BIND (for_spin);
  BIND (against_spin);
  BIND (abstain_spin);
  BIND (addenda_group);
  BIND (addenda_list);
  BIND (addendum_entry);
  BIND (addendum_author);
#undef BIND

  gtk_widget_class_install_action (widget_class, "editor.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.sign", NULL, sign_action);
  gtk_widget_class_install_action (widget_class, "editor.all-present", NULL, all_present_action);
  gtk_widget_class_install_action (widget_class, "editor.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "editor.add-resolution", NULL, add_resolution_action);
  gtk_widget_class_install_action (widget_class, "editor.add-addendum", NULL, add_addendum_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "editor.print", NULL);
}

static void
evg_meeting_editor_init (EvgMeetingEditor *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < EVG_MEETING_N_KINDS; i++)
    gtk_string_list_append (kinds, evg_meeting_kind_get_label (i));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (kinds));
  for (guint i = 0; i < G_N_ELEMENTS (editable_statuses); i++)
    gtk_string_list_append (statuses, evg_meeting_status_get_label (editable_statuses[i]));
  adw_combo_row_set_model (self->status_row, G_LIST_MODEL (statuses));
  g_signal_connect_swapped (self->type_row, "notify::selected", G_CALLBACK (on_type_changed), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_sheet_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_sheet_row), self);
  gtk_list_view_set_factory (self->sheet_view, factory);
}

static char *
group_name (EvgPartyGroup *group)
{
  return g_strdup (evg_party_group_get_name (group));
}

/**
 * evg_meeting_editor_new:
 * @meeting: (nullable): a stored meeting, or %NULL for a new one
 * @day: the day a new meeting is on, YYYY-MM-DD
 */
EvgMeetingEditor *
evg_meeting_editor_new (EvgContext *context,
                        EvgMeeting *meeting,
                        const char *day)
{
  EvgMeetingEditor *self = g_object_new (EVG_TYPE_MEETING_EDITOR, NULL);
  GtkExpression *expression;

  self->context = g_object_ref (context);
  self->calendar = g_object_ref (evg_context_get_calendar (context));
  self->meeting = meeting != NULL ? g_object_ref (meeting) : NULL;
  self->day = g_strdup (day);
  self->groups = g_object_ref (evg_roster_get_party_groups (evg_context_get_roster (context)));
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (group_name), NULL, NULL);
  adw_combo_row_set_expression (self->group_row, expression);
  gtk_expression_unref (expression);
  adw_combo_row_set_model (self->group_row, self->groups);

  fill_form (self);
  load_sheet (self);
  refresh_resolutions (self);
  refresh_addenda (self);
  return self;
}

EvgMeeting *
evg_meeting_editor_get_meeting (EvgMeetingEditor *self)
{
  g_return_val_if_fail (EVG_IS_MEETING_EDITOR (self), NULL);
  return self->meeting;
}

GListModel *
evg_meeting_editor_get_sheet (EvgMeetingEditor *self)
{
  g_return_val_if_fail (EVG_IS_MEETING_EDITOR (self), NULL);
  return self->sheet;
}

const char *
evg_meeting_editor_get_error (EvgMeetingEditor *self)
{
  g_return_val_if_fail (EVG_IS_MEETING_EDITOR (self), NULL);
  return self->error;
}

const char *
evg_meeting_editor_get_quorum_text (EvgMeetingEditor *self)
{
  g_return_val_if_fail (EVG_IS_MEETING_EDITOR (self), NULL);
  return self->quorum_text;
}

/* For tests: what picking @status for the sheet's line @position does. */
gboolean
evg_meeting_editor_set_attendance (EvgMeetingEditor *self,
                                   guint             position,
                                   const char       *status)
{
  g_autoptr(EvgAttendee) attendee = NULL;

  g_return_val_if_fail (EVG_IS_MEETING_EDITOR (self), FALSE);
  if (self->sheet == NULL || position >= g_list_model_get_n_items (self->sheet))
    return FALSE;
  attendee = g_list_model_get_item (self->sheet, position);
  return mark_attendee (self, attendee, status);
}
