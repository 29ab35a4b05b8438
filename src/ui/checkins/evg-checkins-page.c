/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-checkins-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-accessible.h"
#include "evg-checkins-page.h"
#include "evg-page-keys.h"
#include "evg-list-focus.h"
#include "evg-kiosk-window.h"
#include "evg-whistle-editor.h"

/* The 吹哨报到 page: the whistles (those members may still report to
 * first), the chosen one's members with their times and a field that
 * checks a member in or out by name, pinyin or phone; and the year's
 * service hours of every member against the target. */

#define N_MATCHES 6

/* One line of the hours ranking. */
#define EVG_TYPE_HOURS_ITEM (evg_hours_item_get_type ())
G_DECLARE_FINAL_TYPE (EvgHoursItem, evg_hours_item, EVG, HOURS_ITEM, GObject)

struct _EvgHoursItem
{
  GObject          parent_instance;
  guint            rank;
  EvgServiceHours *hours;   /* borrowed from the page's ranking */
};

G_DEFINE_FINAL_TYPE (EvgHoursItem, evg_hours_item, G_TYPE_OBJECT)

static void
evg_hours_item_class_init (EvgHoursItemClass *klass)
{
}

static void
evg_hours_item_init (EvgHoursItem *self)
{
}

struct _EvgCheckinsPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkStack     *view_stack;
  AdwLeaflet   *leaflet;
  GtkWidget    *list_pane;
  GtkDropDown  *status_filter;
  GtkDropDown  *category_filter;
  GtkStack     *list_stack;
  GtkListView  *whistle_view;
  GtkStack     *detail_stack;
  GtkWidget    *back_button;
  GtkLabel     *detail_title;
  GtkLabel     *detail_meta;
  GtkLabel     *detail_description;
  GtkWidget    *message_button;
  GtkLabel     *detail_need;
  GtkLevelBar  *need_bar;
  GtkWidget    *unconfirmed_box;
  GtkLabel     *unconfirmed_label;
  GtkWidget    *checkin_box;
  AdwEntryRow  *checkin_entry;
  GtkListBox   *match_list;
  GtkLabel     *checkin_status;
  GtkListBox   *checkin_list;
  GtkSpinButton *year_spin;
  GtkCheckButton *behind_check;
  GtkLabel     *hours_summary;
  GtkStack     *hours_stack;
  GtkSpinner   *hours_spinner;
  GtkColumnView *hours_view;
  AdwStatusPage *hours_error;

  /* Owned */
  EvgContext         *context;
  GtkFilter          *filter;
  GtkSingleSelection *selection;
  GHashTable         *count_labels;   /* GtkLabel → whistle id, of the bound rows */
  GPtrArray          *matches;        /* EvgMember, as the match list shows them */
  char               *searched;       /* the text they match */
  GListModel         *checkins;       /* EvgCheckinRow of the shown whistle */
  GPtrArray          *ranking;        /* EvgServiceHours of the year shown */
  GListStore         *hours_items;
  GtkFilter          *hours_filter;
  GCancellable       *hours_cancellable;
  gboolean            hours_loading;
  gboolean            hours_stale;
  gboolean            listening;
};

G_DEFINE_FINAL_TYPE (EvgCheckinsPage, evg_checkins_page, GTK_TYPE_WIDGET)

static void show_detail (EvgCheckinsPage *self);
static void load_hours (EvgCheckinsPage *self);

static EvgCheckins *
get_checkins (EvgCheckinsPage *self)
{
  return evg_context_get_checkins (self->context);
}

static EvgRecord *
get_selected (EvgCheckinsPage *self)
{
  if (self->selection == NULL)
    return NULL;
  return gtk_single_selection_get_selected_item (self->selection);
}

/* "2026-07-10 08:00–12:00", or both days when it spans more than one. */
static char *
format_span (EvgRecord *whistle)
{
  const char *starts = evg_record_get (whistle, EVG_WHISTLE_STARTS_AT);
  const char *ends = evg_record_get (whistle, EVG_WHISTLE_ENDS_AT);

  if (starts == NULL || ends == NULL)
    return g_strdup (starts != NULL ? starts : "");
  if (strncmp (starts, ends, 10) == 0)
    return g_strdup_printf ("%s–%s", starts, ends + 11);
  return g_strdup_printf ("%s – %s", starts, ends);
}

/* "已报到 3 人" or "已报到 3 / 需要 10 人". */
static char *
format_reported (EvgCheckinsPage *self,
                 EvgRecord       *whistle)
{
  guint reported = evg_checkins_count_reported (get_checkins (self), evg_record_get_id (whistle));
  guint needed = evg_whistle_get_needed (whistle);

  if (needed == 0)
    return g_strdup_printf (ngettext ("%u member reported", "%u members reported", reported), reported);
  return g_strdup_printf (ngettext ("%u of %u member reported", "%u of %u members reported", needed),
                          reported, needed);
}

/* The whistle list */

static void
setup_whistle_row (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   EvgCheckinsPage          *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *span = gtk_label_new (NULL);
  GtkWidget *count = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (status, "evg-whistle-status");
  gtk_label_set_xalign (GTK_LABEL (span), 0);
  gtk_label_set_ellipsize (GTK_LABEL (span), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (span, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (count), 0);
  gtk_widget_add_css_class (count, "caption");
  gtk_box_append (GTK_BOX (top), title);
  gtk_box_append (GTK_BOX (top), status);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), span);
  gtk_box_append (GTK_BOX (box), count);
  gtk_list_item_set_child (item, box);
}

static GtkWidget *
nth_child (GtkWidget *widget,
           guint      n)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  while (n-- > 0 && child != NULL)
    child = gtk_widget_get_next_sibling (child);
  return child;
}

static void
update_count_label (EvgCheckinsPage *self,
                    GtkLabel        *label,
                    EvgRecord       *whistle)
{
  g_autofree char *text = format_reported (self, whistle);
  guint unconfirmed = evg_checkins_count_unconfirmed (get_checkins (self), evg_record_get_id (whistle),
                                                      NULL);
  g_autofree char *full = NULL;

  if (unconfirmed > 0)
    full = g_strdup_printf (ngettext ("%s · %u to confirm", "%s · %u to confirm", unconfirmed),
                            text, unconfirmed);
  gtk_label_set_text (label, full != NULL ? full : text);
}

static void
bind_whistle_row (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  EvgCheckinsPage          *self)
{
  EvgRecord *whistle = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *top = nth_child (box, 0);
  GtkWidget *status = nth_child (top, 1);
  GtkLabel *count = GTK_LABEL (nth_child (box, 2));
  g_autofree char *span = format_span (whistle);
  g_autofree char *meta = NULL;
  g_autofree char *accessible = NULL;
  const char *place = evg_record_get (whistle, EVG_WHISTLE_PLACE);
  const char *state = evg_record_get (whistle, EVG_WHISTLE_STATUS);
  g_autofree char *css = g_strdup_printf ("evg-whistle-%s", state != NULL ? state : "open");
  const char *title = evg_record_get (whistle, EVG_WHISTLE_TITLE);

  gtk_label_set_text (GTK_LABEL (nth_child (top, 0)), title);
  gtk_label_set_text (GTK_LABEL (status), evg_record_get_choice_label (whistle, EVG_WHISTLE_STATUS));
  gtk_widget_set_css_classes (status, (const char *[]) { "evg-whistle-status", css, NULL });
  meta = place != NULL ? g_strdup_printf ("%s · %s", span, place) : g_strdup (span);
  gtk_label_set_text (GTK_LABEL (nth_child (box, 1)), meta);
  update_count_label (self, count, whistle);
  g_hash_table_replace (self->count_labels, count, g_strdup (evg_record_get_id (whistle)));
  if (g_strcmp0 (evg_record_get (whistle, EVG_WHISTLE_URGENCY), "normal") != 0)
    gtk_widget_add_css_class (box, "evg-whistle-urgent");
  else
    gtk_widget_remove_css_class (box, "evg-whistle-urgent");

  accessible = g_strdup_printf ("%s, %s, %s, %s", title, evg_record_get_choice_label (whistle, EVG_WHISTLE_STATUS),
                                meta, gtk_label_get_text (count));
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
unbind_whistle_row (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    EvgCheckinsPage          *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  g_hash_table_remove (self->count_labels, nth_child (box, 2));
}

static const char *
filter_code (GtkDropDown         *dropdown,
             const EvgColumnSpec *column)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  /* The first item is "all". */
  return selected > 0 && selected <= column->n_choices ? column->choices[selected - 1].code : NULL;
}

static gboolean
filter_whistle (gpointer item,
                gpointer data)
{
  EvgCheckinsPage *self = data;
  const char *status = filter_code (self->status_filter, evg_whistle_field_get_info (EVG_WHISTLE_STATUS));
  const char *category = filter_code (self->category_filter,
                                      evg_whistle_field_get_info (EVG_WHISTLE_CATEGORY));

  return (status == NULL || g_strcmp0 (evg_record_get (item, EVG_WHISTLE_STATUS), status) == 0) &&
         (category == NULL || g_strcmp0 (evg_record_get (item, EVG_WHISTLE_CATEGORY), category) == 0);
}

static void
fill_filter (GtkDropDown         *dropdown,
             const char          *all,
             const EvgColumnSpec *column)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  gtk_string_list_append (labels, all);
  for (guint i = 0; i < column->n_choices; i++)
    gtk_string_list_append (labels, _(column->choices[i].label));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (labels));
}

static void
update_list_state (EvgCheckinsPage *self)
{
  GListModel *all = evg_checkins_get_whistles (get_checkins (self));

  gtk_stack_set_visible_child_name (self->list_stack,
                                    g_list_model_get_n_items (all) == 0 ? "empty" : "list");
  show_detail (self);
}

static void
on_filter_changed (EvgCheckinsPage *self)
{
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_selection_changed (EvgCheckinsPage *self)
{
  gtk_label_set_text (self->checkin_status, "");
  gtk_widget_set_visible (GTK_WIDGET (self->checkin_status), FALSE);
  show_detail (self);
  if (get_selected (self) != NULL)
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

/* The detail */

static void
set_status (EvgCheckinsPage *self,
            const char      *text,
            gboolean         problem)
{
  gtk_label_set_text (self->checkin_status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->checkin_status), TRUE);
  if (problem)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->checkin_status), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->checkin_status), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->checkin_status), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->checkin_status), "success");
    }
}

/* "09:05 到 – 11:35 离 · 2.5 小时", with the times of another day in full. */
static char *
describe_checkin (EvgCheckinRow *row)
{
  const char *arrived = evg_checkin_row_get (row, EVG_CHECKIN_ARRIVED_AT);
  const char *left = evg_checkin_row_get (row, EVG_CHECKIN_LEFT_AT);
  int minutes = evg_checkin_row_get_minutes (row);
  g_autofree char *hours = evg_format_hours (minutes);

  if (arrived == NULL)
    return g_strdup (_("Signed up, not arrived yet"));
  if (evg_checkin_row_get_flagged (row))
    return g_strdup_printf (_("Arrived %s; never checked out: %s hours up to the end, to confirm"),
                            arrived + 11, hours);
  if (left == NULL)
    return g_strdup_printf (_("Arrived %s; still there"), arrived + 11);
  return g_strdup_printf (_("Arrived %s, left %s · %s hours%s"), arrived + 11,
                          strncmp (arrived, left, 10) == 0 ? left + 11 : left, hours,
                          g_strcmp0 (evg_checkin_row_get (row, EVG_CHECKIN_CONFIRMED), "1") == 0
                          ? _(" · confirmed") : "");
}

static void row_action (GtkButton *button, EvgCheckinsPage *self);

static void
add_row_button (EvgCheckinsPage *self,
                AdwActionRow    *row,
                const char      *label,
                const char      *accessible,
                const char      *action,
                const char      *member_id)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "member-id", g_strdup (member_id), g_free);
  g_object_set_data (G_OBJECT (button), "action", (gpointer) action);
  g_signal_connect (button, "clicked", G_CALLBACK (row_action), self);
  adw_action_row_add_suffix (row, button);
}

static GtkWidget *
make_checkin_row (EvgCheckinsPage *self,
                  EvgRecord       *whistle,
                  EvgCheckinRow   *checkin)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = describe_checkin (checkin);
  const char *name = evg_checkin_row_get_name (checkin);
  const char *member_id = evg_checkin_row_get_member_id (checkin);
  gboolean active = evg_whistle_is_active (whistle);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL ? name : _("Unknown member"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (evg_checkin_row_get_flagged (checkin))
    gtk_widget_add_css_class (row, "evg-checkin-flagged");
  if (evg_checkin_row_get (checkin, EVG_CHECKIN_ARRIVED_AT) != NULL &&
      evg_checkin_row_get (checkin, EVG_CHECKIN_LEFT_AT) == NULL && !evg_checkin_row_get_flagged (checkin) &&
      active)
    {
      g_autofree char *accessible = g_strdup_printf (_("Check %s out"), name);

      add_row_button (self, ADW_ACTION_ROW (row), _("Check Out"), accessible, "out", member_id);
    }
  if (evg_checkin_row_get_flagged (checkin))
    {
      g_autofree char *accessible = g_strdup_printf (_("Confirm the time of %s"), name);

      add_row_button (self, ADW_ACTION_ROW (row), _("Confirm"), accessible, "confirm", member_id);
    }
  if (active)
    {
      g_autofree char *accessible = g_strdup_printf (_("Take %s off the list"), name);

      add_row_button (self, ADW_ACTION_ROW (row), _("Remove"), accessible, "remove", member_id);
    }
  return row;
}

static void
fill_checkins (EvgCheckinsPage *self,
               EvgRecord       *whistle)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->checkin_list))) != NULL)
    gtk_list_box_remove (self->checkin_list, child);
  g_clear_object (&self->checkins);
  self->checkins = evg_checkins_list (get_checkins (self), evg_record_get_id (whistle), NULL, &error);
  if (self->checkins == NULL)
    {
      set_status (self, error->message, TRUE);
      return;
    }
  n = g_list_model_get_n_items (self->checkins);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgCheckinRow) checkin = g_list_model_get_item (self->checkins, i);

      gtk_list_box_append (self->checkin_list, make_checkin_row (self, whistle, checkin));
    }
}

static void
show_detail (EvgCheckinsPage *self)
{
  EvgRecord *whistle = get_selected (self);
  g_autofree char *span = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *need = NULL;
  GString *line;
  guint needed, reported, unconfirmed;
  gboolean active;

  if (whistle == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.edit", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.kiosk", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.close-whistle", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.cancel-whistle", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.confirm-all", FALSE);
      return;
    }
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  active = evg_whistle_is_active (whistle);
  gtk_label_set_text (self->detail_title, evg_record_get (whistle, EVG_WHISTLE_TITLE));

  span = format_span (whistle);
  line = g_string_new (evg_record_get_choice_label (whistle, EVG_WHISTLE_CATEGORY));
  g_string_append_printf (line, " · %s", span);
  if (evg_record_get (whistle, EVG_WHISTLE_PLACE) != NULL)
    g_string_append_printf (line, " · %s", evg_record_get (whistle, EVG_WHISTLE_PLACE));
  if (evg_record_get (whistle, EVG_WHISTLE_RAISED_BY) != NULL)
    g_string_append_printf (line, _(" · raised by %s"), evg_record_get (whistle, EVG_WHISTLE_RAISED_BY));
  if (g_strcmp0 (evg_record_get (whistle, EVG_WHISTLE_URGENCY), "normal") != 0)
    g_string_append_printf (line, " · %s", evg_record_get_choice_label (whistle, EVG_WHISTLE_URGENCY));
  g_string_append_printf (line, " · %s", evg_record_get_choice_label (whistle, EVG_WHISTLE_STATUS));
  meta = g_string_free (line, FALSE);
  gtk_label_set_text (self->detail_meta, meta);
  gtk_label_set_text (self->detail_description, evg_record_get (whistle, EVG_WHISTLE_DESCRIPTION));
  gtk_widget_set_visible (GTK_WIDGET (self->detail_description),
                          evg_record_get (whistle, EVG_WHISTLE_DESCRIPTION) != NULL);
  /* Raised for a resident's message: the way back to it. */
  {
    g_autoptr(GPtrArray) links = evg_inbox_find_linked (evg_context_get_inbox (self->context),
                                                        evg_record_get_id (whistle));
    const char *message_id = links->len > 0 ? evg_record_get (g_ptr_array_index (links, 0),
                                                              EVG_FEEDBACK_EVENT_FEEDBACK_ID) : NULL;

    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->message_button),
                                    message_id != NULL ? "win.show-message" : NULL);
    if (message_id != NULL)
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->message_button), "s", message_id);
    gtk_widget_set_visible (self->message_button, message_id != NULL);
  }

  needed = evg_whistle_get_needed (whistle);
  reported = evg_checkins_count_reported (get_checkins (self), evg_record_get_id (whistle));
  need = format_reported (self, whistle);
  gtk_label_set_text (self->detail_need, need);
  gtk_widget_set_visible (GTK_WIDGET (self->need_bar), needed > 0);
  gtk_level_bar_set_value (self->need_bar, needed > 0 ? MIN (1.0, (double) reported / needed) : 0.0);

  unconfirmed = evg_checkins_count_unconfirmed (get_checkins (self), evg_record_get_id (whistle), NULL);
  if (unconfirmed > 0)
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("%u member never checked out. Their time counts up to the whistle’s end until you confirm it.",
                                   "%u members never checked out. Their time counts up to the whistle’s end until you confirm it.",
                                   unconfirmed), unconfirmed);

      gtk_label_set_text (self->unconfirmed_label, text);
    }
  gtk_widget_set_visible (self->unconfirmed_box, unconfirmed > 0);
  gtk_widget_set_visible (self->checkin_box, active);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.edit", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.kiosk", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.close-whistle", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.cancel-whistle", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkins.confirm-all", unconfirmed > 0);
  fill_checkins (self, whistle);
}

/* Checking in and out */

static void
toggle_member (EvgCheckinsPage *self,
               const char      *member_id)
{
  g_auto(EvgCheckinResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *year = NULL;
  EvgRecord *whistle = get_selected (self);

  if (whistle == NULL)
    return;
  if (!evg_checkins_toggle (get_checkins (self), evg_record_get_id (whistle), member_id, NULL, "manual",
                            &result, &error))
    {
      set_status (self, error->message, TRUE);
      return;
    }
  year = evg_format_hours (result.year_minutes);
  if (result.already && result.left)
    text = g_strdup_printf (_("%s checked out at %s already; nothing was changed."),
                            result.name, result.left_at + 11);
  else if (result.already)
    text = g_strdup_printf (_("%s checked in at %s already; nothing was changed."),
                            result.name, result.arrived_at + 11);
  else if (result.left)
    {
      g_autofree char *hours = evg_format_hours (result.minutes);

      text = g_strdup_printf (_("%s checked out at %s: %s hours. This year: %s of %u hours."),
                              result.name, result.left_at + 11, hours, year, result.target_hours);
    }
  else
    text = g_strdup_printf (_("%s checked in at %s. This year so far: %s of %u hours."),
                            result.name, result.arrived_at + 11, year, result.target_hours);
  gtk_editable_set_text (GTK_EDITABLE (self->checkin_entry), "");
  set_status (self, text, FALSE);
}

static void
on_match_activated (GtkListBox      *list,
                    GtkListBoxRow   *row,
                    EvgCheckinsPage *self)
{
  int index = gtk_list_box_row_get_index (row);
  g_autofree char *member_id = NULL;

  if (index < 0 || (guint) index >= self->matches->len)
    return;
  member_id = g_strdup (evg_member_get_id (g_ptr_array_index (self->matches, index)));
  toggle_member (self, member_id);
}

/* The shown whistle's check-in of the member, if any. */
static EvgCheckinRow *
find_checkin (EvgCheckinsPage *self,
              const char      *member_id)
{
  for (guint i = 0; self->checkins != NULL && i < g_list_model_get_n_items (self->checkins); i++)
    {
      g_autoptr(EvgCheckinRow) row = g_list_model_get_item (self->checkins, i);

      if (g_strcmp0 (evg_checkin_row_get_member_id (row), member_id) == 0)
        return row;   /* the list holds it */
    }
  return NULL;
}

static void
clear_matches (EvgCheckinsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->match_list))) != NULL)
    gtk_list_box_remove (self->match_list, child);
  g_ptr_array_set_size (self->matches, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->match_list), FALSE);
}

static void
on_search_changed (EvgCheckinsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->checkin_entry));
  g_autoptr(GPtrArray) found = NULL;
  guint n = 0;

  clear_matches (self);
  g_free (self->searched);
  self->searched = g_strdup (text);
  if (self->context == NULL || *text == '\0')
    return;
  found = evg_roster_search (evg_context_get_roster (self->context), text, N_MATCHES, &n);
  for (guint i = 0; i < found->len; i++)
    {
      EvgMember *member = g_ptr_array_index (found, i);
      GtkWidget *row = adw_action_row_new ();
      const char *group = evg_member_get_party_group_name (member);
      const char *name = evg_member_get_name (member);
      EvgCheckinRow *checkin = find_checkin (self, evg_member_get_id (member));
      gboolean here = checkin != NULL && evg_checkin_row_get (checkin, EVG_CHECKIN_ARRIVED_AT) != NULL &&
                      evg_checkin_row_get (checkin, EVG_CHECKIN_LEFT_AT) == NULL;
      gboolean gone = checkin != NULL && evg_checkin_row_get (checkin, EVG_CHECKIN_LEFT_AT) != NULL;
      g_autofree char *accessible = g_strdup_printf (here ? _("Check %s out") : _("Check %s in"), name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      if (group != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), group);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      if (!gone)
        add_row_button (self, ADW_ACTION_ROW (row), here ? _("Check Out") : _("Check In"), accessible,
                        "toggle", evg_member_get_id (member));
      gtk_list_box_append (self->match_list, row);
      g_ptr_array_add (self->matches, g_object_ref (member));
    }
  if (n > found->len)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%u more match: type more of the name",
                                                         "%u more matches: type more of the name",
                                                         n - found->len), n - found->len);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), more);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->match_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->match_list), n > 0 || *text != '\0');
  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     g_ascii_isalpha (text[0]) && text[1] == '\0'
                                     ? _("Type one more letter")
                                     : _("No current member matches"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->match_list, row);
    }
}

/* Enter: a card's code or an ID number checks that member; otherwise the
 * first match. */
static void
on_search_activate (EvgCheckinsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->checkin_entry));
  g_autofree char *member_id = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = strlen (text);

  if (*text == '\0')
    return;
  /* Enter before the entry reported the change (it waits a moment). */
  if (g_strcmp0 (text, self->searched) != 0)
    on_search_changed (self);
  if (length == 36 || length == 18)
    {
      member_id = evg_checkins_find_member (get_checkins (self), text, &error);
      if (member_id == NULL && self->matches->len == 0)
        {
          set_status (self, error->message, TRUE);
          return;
        }
    }
  if (member_id == NULL && self->matches->len > 0)
    member_id = g_strdup (evg_member_get_id (g_ptr_array_index (self->matches, 0)));
  if (member_id == NULL)
    {
      set_status (self, _("No current member matches what you typed."), TRUE);
      return;
    }
  toggle_member (self, member_id);
}

static void
run_row_action (EvgCheckinsPage *self,
                const char      *action,
                const char      *member_id)
{
  g_autoptr(GError) error = NULL;
  EvgRecord *whistle = get_selected (self);
  const char *whistle_id;
  gboolean ok = TRUE;

  if (whistle == NULL)
    return;
  whistle_id = evg_record_get_id (whistle);
  if (g_str_equal (action, "toggle"))
    {
      toggle_member (self, member_id);
      return;
    }
  if (g_str_equal (action, "out"))
    ok = evg_checkins_check_out (get_checkins (self), whistle_id, member_id, NULL, NULL, &error);
  else if (g_str_equal (action, "confirm"))
    ok = evg_checkins_confirm (get_checkins (self), whistle_id, member_id, NULL, &error);
  else if (g_str_equal (action, "remove"))
    ok = evg_checkins_remove (get_checkins (self), whistle_id, member_id, &error);
  if (!ok)
    set_status (self, error->message, TRUE);
}

static void
row_action (GtkButton       *button,
            EvgCheckinsPage *self)
{
  g_autofree char *member_id = g_strdup (g_object_get_data (G_OBJECT (button), "member-id"));

  run_row_action (self, g_object_get_data (G_OBJECT (button), "action"), member_id);
}

/* Store changes */

static void
on_store_changed (EvgCheckinsPage *self,
                  const char      *table,
                  GPtrArray       *ids,
                  EvgStore        *store)
{
  GHashTableIter iter;
  gpointer label, id;

  if (g_strcmp0 (table, evg_checkin_table.name) != 0 && g_strcmp0 (table, evg_member_table.name) != 0)
    return;
  self->hours_stale = TRUE;
  if (g_strcmp0 (table, evg_checkin_table.name) != 0)
    return;
  g_hash_table_iter_init (&iter, self->count_labels);
  while (g_hash_table_iter_next (&iter, &label, &id))
    {
      EvgRecord *whistle = evg_checkins_lookup_whistle (get_checkins (self), id);

      if (whistle != NULL)
        update_count_label (self, label, whistle);
    }
  show_detail (self);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "hours") == 0)
    load_hours (self);
}

/* Service hours */

static void
on_hours_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(EvgCheckinsPage) self = data;
  g_autoptr(GError) error = NULL;
  GPtrArray *ranking = evg_checkins_year_hours_finish (EVG_CHECKINS (source), result, &error);
  g_autofree char *summary = NULL;
  g_autoptr(GPtrArray) items = NULL;
  guint behind = 0;

  if (ranking == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->hours_loading = FALSE;
  if (ranking == NULL)
    {
      adw_status_page_set_description (self->hours_error, error->message);
      gtk_stack_set_visible_child_name (self->hours_stack, "error");
      gtk_spinner_stop (self->hours_spinner);
      return;
    }
  g_clear_pointer (&self->ranking, g_ptr_array_unref);
  self->ranking = ranking;
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < ranking->len; i++)
    {
      EvgHoursItem *item = g_object_new (EVG_TYPE_HOURS_ITEM, NULL);

      item->rank = i + 1;
      item->hours = g_ptr_array_index (ranking, i);
      behind += item->hours->behind ? 1 : 0;
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->hours_items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->hours_items)),
                       items->pdata, items->len);
  summary = g_strdup_printf (_("%u members; %u behind pace; the target is %u hours a year"),
                             ranking->len, behind, evg_checkins_get_target_hours (get_checkins (self)));
  gtk_label_set_text (self->hours_summary, summary);
  gtk_spinner_stop (self->hours_spinner);
  gtk_stack_set_visible_child_name (self->hours_stack, "list");
}

static void
load_hours (EvgCheckinsPage *self)
{
  if (self->context == NULL)
    return;
  g_cancellable_cancel (self->hours_cancellable);
  g_clear_object (&self->hours_cancellable);
  self->hours_cancellable = g_cancellable_new ();
  self->hours_stale = FALSE;
  self->hours_loading = TRUE;
  if (self->ranking == NULL)
    {
      gtk_stack_set_visible_child_name (self->hours_stack, "loading");
      gtk_spinner_start (self->hours_spinner);
    }
  evg_checkins_year_hours_async (get_checkins (self), gtk_spin_button_get_value_as_int (self->year_spin),
                                 NULL, self->hours_cancellable, on_hours_loaded, g_object_ref (self));
}

static void
on_view_changed (EvgCheckinsPage *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "hours") == 0 &&
      (self->ranking == NULL || self->hours_stale))
    load_hours (self);
}

static void
on_year_changed (EvgCheckinsPage *self)
{
  g_clear_pointer (&self->ranking, g_ptr_array_unref);
  g_list_store_remove_all (self->hours_items);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "hours") == 0)
    load_hours (self);
  else
    self->hours_stale = TRUE;
}

static gboolean
filter_hours (gpointer item,
              gpointer data)
{
  EvgCheckinsPage *self = data;

  return !gtk_check_button_get_active (self->behind_check) || EVG_HOURS_ITEM (item)->hours->behind;
}

static void
on_behind_toggled (EvgCheckinsPage *self)
{
  gtk_filter_changed (self->hours_filter, gtk_check_button_get_active (self->behind_check)
                                          ? GTK_FILTER_CHANGE_MORE_STRICT : GTK_FILTER_CHANGE_LESS_STRICT);
}

typedef enum
{
  HOURS_RANK,
  HOURS_NAME,
  HOURS_GROUP,
  HOURS_PROGRESS,
  HOURS_PACE,
} HoursColumn;

static void
setup_hours_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  data)
{
  HoursColumn column = GPOINTER_TO_UINT (data);
  GtkWidget *child;

  if (column == HOURS_PROGRESS)
    {
      child = gtk_progress_bar_new ();
      gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (child), TRUE);
      gtk_widget_set_valign (child, GTK_ALIGN_CENTER);
      gtk_widget_set_size_request (child, 160, -1);
    }
  else
    {
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), column == HOURS_RANK ? 1 : 0);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      gtk_widget_set_margin_start (child, 6);
      gtk_widget_set_margin_end (child, 6);
    }
  gtk_list_item_set_child (item, child);
}

static void
bind_hours_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  data)
{
  HoursColumn column = GPOINTER_TO_UINT (data);
  EvgHoursItem *line = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  EvgServiceHours *hours = line->hours;
  g_autofree char *text = NULL;

  switch (column)
    {
    case HOURS_RANK:
      text = g_strdup_printf ("%u", line->rank);
      gtk_label_set_text (GTK_LABEL (child), text);
      break;
    case HOURS_NAME:
      gtk_label_set_text (GTK_LABEL (child), hours->name);
      break;
    case HOURS_GROUP:
      gtk_label_set_text (GTK_LABEL (child), hours->party_group != NULL ? hours->party_group : "—");
      break;
    case HOURS_PROGRESS:
      {
        g_autofree char *done = evg_format_hours (hours->minutes);

        text = g_strdup_printf (_("%s of %u hours"), done, hours->target_hours);
        gtk_progress_bar_set_text (GTK_PROGRESS_BAR (child), text);
        gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (child),
                                       MIN (1.0, hours->minutes / (hours->target_hours * 60.0)));
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
      }
      break;
    case HOURS_PACE:
      gtk_label_set_text (GTK_LABEL (child), hours->behind ? _("Behind pace") : _("On pace"));
      if (hours->behind)
        gtk_widget_add_css_class (child, "error");
      else
        gtk_widget_remove_css_class (child, "error");
      break;
    }
}

static void
add_hours_column (EvgCheckinsPage *self,
                  const char      *title,
                  HoursColumn      column,
                  gboolean         expand)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_hours_cell), GUINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_hours_cell), GUINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_append_column (self->hours_view, view_column);
}

static void
build_hours_view (EvgCheckinsPage *self)
{
  g_autoptr(GtkFilterListModel) filtered = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  self->hours_items = g_list_store_new (EVG_TYPE_HOURS_ITEM);
  self->hours_filter = GTK_FILTER (gtk_custom_filter_new (filter_hours, self, NULL));
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->hours_items)),
                                        g_object_ref (self->hours_filter));
  selection = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&filtered)));
  gtk_column_view_set_model (self->hours_view, GTK_SELECTION_MODEL (selection));
  add_hours_column (self, _("Rank"), HOURS_RANK, FALSE);
  add_hours_column (self, _("Name"), HOURS_NAME, TRUE);
  add_hours_column (self, _("Party Group"), HOURS_GROUP, TRUE);
  add_hours_column (self, _("Service Hours"), HOURS_PROGRESS, FALSE);
  add_hours_column (self, _("Pace"), HOURS_PACE, FALSE);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    EvgCheckinsPage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->ranking != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = g_file_get_path (file);
      if (!evg_service_hours_write (self->ranking, path, &error))
        {
          g_autofree char *text = g_strdup_printf (_("The file could not be written: %s"), error->message);

          gtk_label_set_text (self->hours_summary, text);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *pattern)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
export_hours_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (self->ranking == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Export Service Hours"),
                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* A workbook by default: what WPS and Excel open as it is; a name
   * ending in .csv writes CSV. */
  name = g_strdup_printf (_("service-hours-%d.xlsx"), gtk_spin_button_get_value_as_int (self->year_spin));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  add_filter (GTK_FILE_CHOOSER (dialog), _("Excel workbook (.xlsx)"), "*.xlsx");
  add_filter (GTK_FILE_CHOOSER (dialog), _("CSV, UTF-8 (.csv)"), "*.csv");
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Actions */

static void
on_whistle_saved (EvgWhistleEditor *editor,
                  const char       *id,
                  EvgCheckinsPage  *self)
{
  evg_checkins_page_select_whistle (self, id);
}

static void
open_editor (EvgCheckinsPage *self,
             EvgRecord       *whistle)
{
  EvgWhistleEditor *editor = evg_whistle_editor_new (get_checkins (self), whistle);

  gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_whistle_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (widget);

  if (self->context != NULL)
    open_editor (self, NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (widget);

  if (get_selected (self) != NULL)
    open_editor (self, get_selected (self));
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   EvgCheckinsPage  *self)
{
  g_autoptr(GError) error = NULL;
  const char *id = g_object_get_data (G_OBJECT (dialog), "whistle-id");

  if (g_strcmp0 (response, "closed") != 0 && g_strcmp0 (response, "cancelled") != 0)
    return;
  if (!evg_checkins_close_whistle (get_checkins (self), id, response, &error))
    set_status (self, error->message, TRUE);
}

static void
close_whistle_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (widget);
  EvgRecord *whistle = get_selected (self);
  gboolean cancel = g_str_equal (action_name, "checkins.cancel-whistle");
  GtkWidget *dialog;

  if (whistle == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   cancel ? _("Cancel the whistle?") : _("Close the whistle?"),
                                   cancel
                                   ? _("The work did not take place. Nobody can report to it any more, "
                                       "and its hours are not counted. This cannot be undone.")
                                   : _("The work is done. Nobody can report to it any more; departures "
                                       "can still be confirmed. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Open"),
                                    cancel ? "cancelled" : "closed",
                                    cancel ? _("C_ancel Whistle") : _("_Close Whistle"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), cancel ? "cancelled" : "closed",
                                              cancel ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "whistle-id", g_strdup (evg_record_get_id (whistle)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
confirm_all_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (widget);
  g_autoptr(GPtrArray) flagged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  EvgRecord *whistle = get_selected (self);

  if (whistle == NULL || self->checkins == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (self->checkins); i++)
    {
      g_autoptr(EvgCheckinRow) row = g_list_model_get_item (self->checkins, i);

      if (evg_checkin_row_get_flagged (row))
        g_ptr_array_add (flagged, g_strdup (evg_checkin_row_get_member_id (row)));
    }
  for (guint i = 0; i < flagged->len; i++)
    if (!evg_checkins_confirm (get_checkins (self), evg_record_get_id (whistle),
                               g_ptr_array_index (flagged, i), NULL, &error))
      {
        set_status (self, error->message, TRUE);
        return;
      }
}

static void
on_no_pin_response (AdwMessageDialog *dialog,
                    const char       *response,
                    EvgCheckinsPage  *self)
{
  if (g_strcmp0 (response, "preferences") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", NULL);
}

/* The kiosk, full screen at the event site.  Without a PIN anyone could
 * leave it and use the workstation: one is set in the preferences first. */
static void
kiosk_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  EvgRecord *whistle = get_selected (self);
  EvgKioskWindow *kiosk;
  GtkWidget *dialog;

  if (whistle == NULL || !evg_whistle_is_active (whistle))
    return;
  if (!evg_kiosk_pin_is_set ())
    {
      dialog = adw_message_dialog_new (GTK_WINDOW (root), _("Set a Kiosk PIN First"),
                                       _("Members use the kiosk on their own. A PIN, set in the "
                                         "preferences, keeps anyone else from leaving it and "
                                         "using this computer."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                        "preferences", _("Open _Preferences"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "preferences",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_no_pin_response), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  kiosk = evg_kiosk_window_new (GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL,
                                self->context, evg_record_get_id (whistle));
  gtk_window_present (GTK_WINDOW (kiosk));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (widget);

  gtk_stack_set_visible_child_name (self->view_stack, "whistles");
  if (gtk_widget_get_visible (self->checkin_box) && get_selected (self) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->checkin_entry));
}

static void
on_folded (EvgCheckinsPage *self)
{
  gtk_widget_set_visible (self->back_button, adw_leaflet_get_folded (self->leaflet));
}

/* Set-up */

static void
start_listening (EvgCheckinsPage *self)
{
  EvgCheckins *checkins;
  g_autoptr(GtkFilterListModel) filtered = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;

  if (self->listening || self->context == NULL)
    return;
  self->listening = TRUE;
  checkins = get_checkins (self);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_whistle_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_whistle_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_whistle_row), self);
  gtk_list_view_set_factory (self->whistle_view, factory);
  filtered = gtk_filter_list_model_new (g_object_ref (evg_checkins_get_whistles (checkins)),
                                        g_object_ref (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->whistle_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (on_selection_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (evg_checkins_get_whistles (checkins), "items-changed",
                           G_CALLBACK (update_list_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (evg_context_get_store (self->context), "changed",
                           G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  update_list_state (self);
}

static void
evg_checkins_page_dispose (GObject *object)
{
  EvgCheckinsPage *self = EVG_CHECKINS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->hours_cancellable);
  g_clear_object (&self->hours_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_CHECKINS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  g_clear_object (&self->checkins);
  g_clear_object (&self->hours_items);
  g_clear_object (&self->hours_filter);
  g_clear_pointer (&self->ranking, g_ptr_array_unref);
  g_clear_pointer (&self->matches, g_ptr_array_unref);
  g_clear_pointer (&self->searched, g_free);
  g_clear_pointer (&self->count_labels, g_hash_table_unref);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (evg_checkins_page_parent_class)->dispose (object);
}

static void
evg_checkins_page_class_init (EvgCheckinsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_checkins_page_dispose;

  g_type_ensure (EVG_TYPE_LIST_FOCUS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-checkins-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, EvgCheckinsPage, name)
  BIND (view_stack);
  BIND (leaflet);
  BIND (list_pane);
  BIND (status_filter);
  BIND (category_filter);
  BIND (list_stack);
  BIND (whistle_view);
  BIND (detail_stack);
  BIND (back_button);
  BIND (detail_title);
  BIND (detail_meta);
  BIND (detail_description);
  BIND (message_button);
  BIND (detail_need);
  BIND (need_bar);
  BIND (unconfirmed_box);
  BIND (unconfirmed_label);
  BIND (checkin_box);
  BIND (checkin_entry);
  BIND (match_list);
  BIND (checkin_status);
  BIND (checkin_list);
  BIND (year_spin);
  BIND (behind_check);
  BIND (hours_summary);
  BIND (hours_stack);
  BIND (hours_spinner);
  BIND (hours_view);
  BIND (hours_error);
#undef BIND

  gtk_widget_class_install_action (widget_class, "checkins.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "checkins.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "checkins.close-whistle", NULL, close_whistle_action);
  gtk_widget_class_install_action (widget_class, "checkins.cancel-whistle", NULL, close_whistle_action);
  gtk_widget_class_install_action (widget_class, "checkins.confirm-all", NULL, confirm_all_action);
  gtk_widget_class_install_action (widget_class, "checkins.export-hours", NULL, export_hours_action);
  gtk_widget_class_install_action (widget_class, "checkins.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "checkins.kiosk", NULL, kiosk_action);
  gtk_widget_class_install_action (widget_class, "checkins.focus-search", NULL, focus_search_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* The page's keys work wherever the focus is while the page shows. */
static void
add_shortcuts (EvgCheckinsPage *self)
{
  static const EvgPageKey keys[] = {
    { GDK_KEY_n, GDK_CONTROL_MASK, "checkins.add" },
    { GDK_KEY_f, GDK_CONTROL_MASK, "checkins.focus-search" },
  };

  evg_page_add_keys (GTK_WIDGET (self), keys, G_N_ELEMENTS (keys));
}

static void
evg_checkins_page_init (EvgCheckinsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->count_labels = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->matches = g_ptr_array_new_with_free_func (g_object_unref);
  self->filter = GTK_FILTER (gtk_custom_filter_new (filter_whistle, self, NULL));
  fill_filter (self->status_filter, _("All States"), evg_whistle_field_get_info (EVG_WHISTLE_STATUS));
  fill_filter (self->category_filter, _("All Categories"), evg_whistle_field_get_info (EVG_WHISTLE_CATEGORY));
  evg_drop_down_set_accessible_name (self->status_filter, _("Status filter"));
  evg_drop_down_set_accessible_name (self->category_filter, _("Category filter"));
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->category_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  /* An entry row, not a search entry: the search is quick enough for
   * every keystroke, and screen readers can fill in its text. */
  g_signal_connect_swapped (self->checkin_entry, "changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->checkin_entry, "entry-activated", G_CALLBACK (on_search_activate), self);
  g_signal_connect (self->match_list, "row-activated", G_CALLBACK (on_match_activated), self);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child", G_CALLBACK (on_view_changed), self);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (on_folded), self);
  gtk_spin_button_set_value (self->year_spin, g_date_time_get_year (now));
  g_signal_connect_swapped (self->year_spin, "value-changed", G_CALLBACK (on_year_changed), self);
  g_signal_connect_swapped (self->behind_check, "toggled", G_CALLBACK (on_behind_toggled), self);
  build_hours_view (self);
  add_shortcuts (self);
  /* The whistles are read when the page is first shown. */
  g_signal_connect (self, "map", G_CALLBACK (start_listening), NULL);
  show_detail (self);
}

void
evg_checkins_page_set_context (EvgCheckinsPage *self,
                               EvgContext      *context)
{
  g_return_if_fail (EVG_IS_CHECKINS_PAGE (self));

  if (self->context == context)
    return;
  g_return_if_fail (self->context == NULL);
  self->context = g_object_ref (context);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_listening (self);
}

/**
 * evg_checkins_page_select_whistle:
 *
 * Shows the whistle @id, clearing the filters that hide it.
 *
 * Returns: whether it exists
 */
gboolean
evg_checkins_page_select_whistle (EvgCheckinsPage *self,
                                  const char      *id)
{
  GListModel *model;

  g_return_val_if_fail (EVG_IS_CHECKINS_PAGE (self), FALSE);

  start_listening (self);
  if (self->selection == NULL || evg_checkins_lookup_whistle (get_checkins (self), id) == NULL)
    return FALSE;
  gtk_stack_set_visible_child_name (self->view_stack, "whistles");
  model = G_LIST_MODEL (self->selection);
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(EvgRecord) whistle = g_list_model_get_item (model, i);

          if (g_strcmp0 (evg_record_get_id (whistle), id) == 0)
            {
              gtk_single_selection_set_selected (self->selection, i);
              return TRUE;
            }
        }
      gtk_drop_down_set_selected (self->status_filter, 0);
      gtk_drop_down_set_selected (self->category_filter, 0);
    }
  return FALSE;
}

const char *
evg_checkins_page_get_selected (EvgCheckinsPage *self)
{
  EvgRecord *whistle;

  g_return_val_if_fail (EVG_IS_CHECKINS_PAGE (self), NULL);
  whistle = get_selected (self);
  return whistle != NULL ? evg_record_get_id (whistle) : NULL;
}

void
evg_checkins_page_show_hours (EvgCheckinsPage *self)
{
  g_return_if_fail (EVG_IS_CHECKINS_PAGE (self));
  start_listening (self);
  gtk_stack_set_visible_child_name (self->view_stack, "hours");
  if (self->ranking == NULL || self->hours_stale)
    load_hours (self);
}

GtkWidget *
evg_checkins_page_get_checkin_entry (EvgCheckinsPage *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS_PAGE (self), NULL);
  return GTK_WIDGET (self->checkin_entry);
}

const char *
evg_checkins_page_get_status_text (EvgCheckinsPage *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS_PAGE (self), NULL);
  return gtk_label_get_text (self->checkin_status);
}

guint
evg_checkins_page_get_n_checkins (EvgCheckinsPage *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS_PAGE (self), 0);
  return self->checkins != NULL ? g_list_model_get_n_items (self->checkins) : 0;
}

guint
evg_checkins_page_get_n_matches (EvgCheckinsPage *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS_PAGE (self), 0);
  return self->matches->len;
}

guint
evg_checkins_page_get_n_hours (EvgCheckinsPage *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS_PAGE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->hours_items));
}

gboolean
evg_checkins_page_get_hours_loading (EvgCheckinsPage *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS_PAGE (self), FALSE);
  return self->hours_loading;
}
