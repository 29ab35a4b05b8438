/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-member-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-member-detail.h"
#include "evg-validate.h"

/* The selected member at a glance: derived values (age, 党龄, days to
 * 转正), masked personal numbers with a way to reveal them, and the
 * actions a secretary takes on one member. */
struct _EvgMemberDetail
{
  GtkWidget   parent_instance;

  /* Owned */
  GtkWidget  *scrolled;
  GtkWidget  *box;
  EvgRoster  *roster;
  EvgCalendar *calendar;
  EvgCheckins *checkins;
  EvgMember  *member;
  gboolean    revealed;

  /* Borrowed: rows of the current member, whose values follow the reveal
   * button in place, so the pane keeps its scroll position. */
  AdwActionRow *id_row;
  AdwActionRow *phone_row;
};

G_DEFINE_FINAL_TYPE (EvgMemberDetail, evg_member_detail, GTK_TYPE_WIDGET)

static void rebuild (EvgMemberDetail *self);

/* A labelled value.  The "property" class shows the label small and dim
 * and the value as normal text (libadwaita 1.2 lacks the class; the app's
 * style sheet gives it the look later versions have). */
static AdwActionRow *
add_row (GtkListBox *list,
         const char *title,
         const char *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return NULL;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (list, row);
  return ADW_ACTION_ROW (row);
}

static void
add_field (GtkListBox     *list,
           EvgMember      *member,
           EvgMemberField  field)
{
  g_autofree char *value = evg_member_dup_display (member, field);

  add_row (list, _(evg_member_field_get_info (field)->label), value);
}

static char *
dup_id_text (EvgMemberDetail *self)
{
  return self->revealed ? g_strdup (evg_member_get_id_number (self->member))
                        : evg_member_dup_masked_id_number (self->member);
}

static char *
dup_phone_text (EvgMemberDetail *self)
{
  return self->revealed ? g_strdup (evg_member_get (self->member, EVG_MEMBER_PHONE))
                        : evg_member_dup_masked_phone (self->member);
}

/* Only the two values change: rebuilding the pane would scroll it back to
 * the top under the user's eyes. */
static void
on_reveal_toggled (GtkToggleButton *button,
                   EvgMemberDetail *self)
{
  self->revealed = gtk_toggle_button_get_active (button);
  if (self->member == NULL)
    return;
  if (self->id_row != NULL)
    {
      g_autofree char *text = dup_id_text (self);
      adw_action_row_set_subtitle (self->id_row, text);
    }
  if (self->phone_row != NULL)
    {
      g_autofree char *text = dup_phone_text (self);
      adw_action_row_set_subtitle (self->phone_row, text);
    }
}

static void
on_departure_response (AdwMessageDialog *dialog,
                       const char       *response,
                       EvgMemberDetail  *self)
{
  GtkDropDown *reasons = g_object_get_data (G_OBJECT (dialog), "reasons");
  GtkEditable *date = g_object_get_data (G_OBJECT (dialog), "date");
  g_autoptr(GError) error = NULL;
  const EvgChoice *choices;
  guint n;

  if (g_strcmp0 (response, "record") != 0 || self->member == NULL)
    return;

  choices = evg_member_field_get_choices (EVG_MEMBER_LEFT_REASON, &n);
  if (!evg_roster_record_departure (self->roster, evg_member_get_id (self->member),
                                    choices[MIN (gtk_drop_down_get_selected (reasons), n - 1)].code,
                                    gtk_editable_get_text (date), &error))
    {
      AdwMessageDialog *failed = ADW_MESSAGE_DIALOG (adw_message_dialog_new (gtk_window_get_transient_for (GTK_WINDOW (dialog)),
                                                                            _("The Departure Was Not Recorded"),
                                                                            error->message));
      adw_message_dialog_add_response (failed, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (failed));
    }
}

/* Leaving the branch keeps the record as a former member, with why and when. */
static void
on_record_departure (EvgMemberDetail *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  g_autofree char *body = NULL;
  const EvgChoice *choices;
  GtkWidget *dialog, *box, *reasons, *date;
  GDate today;
  guint n;

  if (self->member == NULL)
    return;

  choices = evg_member_field_get_choices (EVG_MEMBER_LEFT_REASON, &n);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (strings, _(choices[i].label));

  body = g_strdup_printf (_("%s will be listed among former members, with the reason and "
                            "date. The record and its history are kept."),
                          evg_member_get_name (self->member));
  dialog = adw_message_dialog_new (GTK_WINDOW (root), _("Record Leaving the Branch"), body);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  reasons = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&strings)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (reasons), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason"), -1);
  date = gtk_entry_new ();
  evg_date_set_today (&today);
  {
    g_autofree char *text = evg_format_date (&today);
    gtk_editable_set_text (GTK_EDITABLE (date), text);
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (date), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Date left"), -1);
  gtk_box_append (GTK_BOX (box), reasons);
  gtk_box_append (GTK_BOX (box), date);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data (G_OBJECT (dialog), "reasons", reasons);
  g_object_set_data (G_OBJECT (dialog), "date", date);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "record", _("_Record"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "record",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "record");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_departure_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_cancel_departure (EvgMemberDetail *self)
{
  g_autoptr(GError) error = NULL;

  if (self->member != NULL &&
      !evg_roster_cancel_departure (self->roster, evg_member_get_id (self->member), &error))
    g_message ("Cannot cancel departure: %s", error->message);
}

/* The member's last twelve months of meetings: rate, absences without
 * leave, make-up study still owed. */
static void
add_attendance (EvgMemberDetail *self,
                GtkListBox      *list,
                const GDate     *today)
{
  g_autofree char *day = evg_format_date (today);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  EvgAttendanceSummary summary;

  if (self->calendar == NULL ||
      !evg_calendar_summarize_member (self->calendar, evg_member_get_id (self->member), day, &summary, &error))
    return;
  if (summary.recorded == 0)
    text = g_strdup (_("No attendance recorded"));
  else
    text = g_strdup_printf (_("%u%% of %u meetings; absent without leave %u, on leave %u"),
                            summary.present * 100 / summary.recorded, summary.recorded,
                            summary.absent, summary.on_leave);
  add_row (list, _("Attendance, Last 12 Months"), text);
  if (summary.open_makeup > 0)
    {
      g_autofree char *owed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u meeting", "%u meetings",
                                                            summary.open_makeup), summary.open_makeup);
      add_row (list, _("Make-up Study Owed"), owed);
    }
}

/* The member's service this year (吹哨报到) against the yearly target,
 * with a bar; behind pace says so. */
static void
add_service_hours (EvgMemberDetail *self,
                   GtkListBox      *list,
                   const GDate     *today)
{
  g_autofree char *now = evg_dup_now_minute ();
  g_autoptr(GError) error = NULL;
  g_autofree char *hours = NULL;
  g_autofree char *text = NULL;
  int year = g_date_get_year (today);
  guint target;
  GtkWidget *row, *bar;
  int minutes;

  if (self->checkins == NULL || evg_member_get (self->member, EVG_MEMBER_LEFT_REASON) != NULL)
    return;
  minutes = evg_checkins_member_minutes (self->checkins, evg_member_get_id (self->member), year, now, &error);
  if (minutes < 0)
    return;
  target = evg_checkins_get_target_hours (self->checkins);
  hours = evg_format_hours (minutes);
  text = evg_checkins_is_behind (self->checkins, minutes, year, now)
         ? g_strdup_printf (_("%s of %u hours · behind pace"), hours, target)
         : g_strdup_printf (_("%s of %u hours"), hours, target);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Service Hours This Year"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  gtk_widget_add_css_class (row, "property");
  bar = gtk_level_bar_new_for_interval (0, 1);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), MIN (1.0, minutes / (target * 60.0)));
  gtk_widget_set_size_request (bar, 96, -1);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
  gtk_list_box_append (list, row);
}

static GtkWidget *
make_button (const char *label,
             const char *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  if (action != NULL)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_hexpand (button, TRUE);
  return button;
}

/* The actions on the member come first, under the name: below the rows
 * they were out of sight for anyone who had not scrolled down. */
static GtkWidget *
make_actions (EvgMemberDetail *self)
{
  GtkWidget *actions, *first, *second, *reveal, *button;

  actions = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  first = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  second = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (actions), first);
  gtk_box_append (GTK_BOX (actions), second);

  gtk_box_append (GTK_BOX (first), make_button (_("_Edit…"), "roster.edit"));
  reveal = gtk_toggle_button_new_with_mnemonic (_("_Show ID Number and Phone"));
  gtk_widget_set_hexpand (reveal, TRUE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (reveal), self->revealed);
  gtk_widget_set_tooltip_text (reveal, _("Personal numbers are hidden unless you need them"));
  g_signal_connect_object (reveal, "toggled", G_CALLBACK (on_reveal_toggled), self, 0);
  gtk_box_append (GTK_BOX (first), reveal);

  if (evg_member_is_former (self->member))
    {
      button = make_button (_("_Cancel the Departure"), NULL);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_cancel_departure), self, G_CONNECT_SWAPPED);
    }
  else
    {
      button = make_button (_("_Record Leaving the Branch…"), NULL);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_record_departure), self, G_CONNECT_SWAPPED);
    }
  gtk_box_append (GTK_BOX (second), button);
  button = make_button (_("_Delete Entry Mistake"), "roster.delete");
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_set_tooltip_text (button, _("Only for records entered by mistake; you can undo it"));
  gtk_box_append (GTK_BOX (second), button);
  return actions;
}

static void
rebuild (EvgMemberDetail *self)
{
  GtkWidget *child, *title, *subtitle, *list;
  g_autofree char *id_text = NULL;
  g_autofree char *phone_text = NULL;
  g_autofree char *category = NULL;
  GDate today;
  int age, party_age, days;

  self->id_row = NULL;
  self->phone_row = NULL;
  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);

  if (self->member == NULL)
    {
      GtkWidget *hint = gtk_label_new (_("Select a member to see the details."));

      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_widget_set_vexpand (hint, TRUE);
      gtk_box_append (GTK_BOX (self->box), hint);
      return;
    }

  evg_date_set_today (&today);
  title = gtk_label_new (evg_member_get_name (self->member));
  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_box_append (GTK_BOX (self->box), title);

  category = evg_member_dup_display (self->member, EVG_MEMBER_CATEGORY);
  if (evg_member_get_party_group_name (self->member) != NULL)
    {
      g_autofree char *line = g_strdup_printf ("%s · %s", category, evg_member_get_party_group_name (self->member));
      subtitle = gtk_label_new (line);
    }
  else
    subtitle = gtk_label_new (category);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (self->box), subtitle);
  gtk_box_append (GTK_BOX (self->box), make_actions (self));

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  age = evg_member_get_age (self->member, &today);
  if (age != EVG_MEMBER_NONE)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year old", "%d years old", age), age);
      add_row (GTK_LIST_BOX (list), _("Age"), text);
    }
  party_age = evg_member_get_party_age (self->member, &today);
  days = evg_member_get_days_to_full (self->member, &today);
  if (party_age != EVG_MEMBER_NONE)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years", party_age),
                                               party_age);
      add_row (GTK_LIST_BOX (list), _("Party Age"), text);
    }
  else if (days != EVG_MEMBER_NONE)
    {
      g_autofree char *text = days > 0
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Due in %d day", "Due in %d days", days), days)
        : g_strdup (_("Due now: the probation year is over"));
      add_row (GTK_LIST_BOX (list), _("Becoming a Full Member"), text);
    }

  id_text = dup_id_text (self);
  phone_text = dup_phone_text (self);
  add_attendance (self, GTK_LIST_BOX (list), &today);
  add_service_hours (self, GTK_LIST_BOX (list), &today);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_GENDER);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_ETHNICITY);
  self->id_row = add_row (GTK_LIST_BOX (list), _(evg_member_field_get_info (EVG_MEMBER_ID_NUMBER)->label), id_text);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_BIRTH_DATE);
  self->phone_row = add_row (GTK_LIST_BOX (list), _(evg_member_field_get_info (EVG_MEMBER_PHONE)->label), phone_text);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_JOINED_ON);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_FULL_MEMBER_ON);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_STANDING);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_PARTY_POST);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_WORK_UNIT);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_ADDRESS);
  add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_DUES_PAID_UNTIL);
  if (evg_member_get_mobile_member (self->member))
    add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_MOBILE_DESTINATION);
  if (evg_member_get_lost_contact (self->member))
    add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_LOST_CONTACT_ON);
  if (evg_member_is_former (self->member))
    {
      add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_LEFT_REASON);
      add_field (GTK_LIST_BOX (list), self->member, EVG_MEMBER_LEFT_ON);
    }
  gtk_box_append (GTK_BOX (self->box), list);
}

static void
evg_member_detail_dispose (GObject *object)
{
  EvgMemberDetail *self = (EvgMemberDetail *)object;

  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  g_clear_object (&self->member);
  g_clear_object (&self->roster);
  g_clear_object (&self->calendar);
  g_clear_object (&self->checkins);

  G_OBJECT_CLASS (evg_member_detail_parent_class)->dispose (object);
}

static void
evg_member_detail_class_init (EvgMemberDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_member_detail_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
evg_member_detail_init (EvgMemberDetail *self)
{
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), self->box);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Member details"), -1);
  rebuild (self);
}

void
evg_member_detail_set_roster (EvgMemberDetail *self,
                              EvgRoster       *roster)
{
  g_return_if_fail (EVG_IS_MEMBER_DETAIL (self));
  g_set_object (&self->roster, roster);
}

/* The meetings the member's attendance is read from. */
void
evg_member_detail_set_calendar (EvgMemberDetail *self,
                                EvgCalendar     *calendar)
{
  g_return_if_fail (EVG_IS_MEMBER_DETAIL (self));
  g_set_object (&self->calendar, calendar);
  rebuild (self);
}

/* The check-ins the member's service hours are read from. */
void
evg_member_detail_set_checkins (EvgMemberDetail *self,
                                EvgCheckins     *checkins)
{
  g_return_if_fail (EVG_IS_MEMBER_DETAIL (self));
  g_set_object (&self->checkins, checkins);
  rebuild (self);
}

void
evg_member_detail_set_member (EvgMemberDetail *self,
                              EvgMember       *member)
{
  g_return_if_fail (EVG_IS_MEMBER_DETAIL (self));

  /* Numbers go back to hidden when another member is chosen. */
  if (member == NULL || self->member == NULL ||
      g_strcmp0 (evg_member_get_id (member), evg_member_get_id (self->member)) != 0)
    self->revealed = FALSE;
  g_set_object (&self->member, member);
  rebuild (self);
}

EvgMember *
evg_member_detail_get_member (EvgMemberDetail *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER_DETAIL (self), NULL);
  return self->member;
}
