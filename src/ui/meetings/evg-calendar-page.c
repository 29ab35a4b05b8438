/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-calendar-page"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-calendar-page.h"
#include "evg-page-keys.h"
#include "evg-calendar-plan.h"
#include "evg-meeting-editor.h"
#include "evg-plans-window.h"
#include "evg-party-group.h"
#include "evg-validate.h"

/* The 活动日历 page: a month of days with each day's meetings coloured by
 * type, the month's meetings as an agenda beside it (alone when the
 * window is narrow), and the year's compliance: which periods had the
 * meetings DOMAIN.md asks for. */

#define N_CELLS 42      /* six weeks */
#define MAX_TAGS 3      /* meetings named in a day's cell; more are counted */

struct _EvgCalendarPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkLabel    *month_label;
  GtkWidget   *warning_revealer;
  GtkLabel    *warning_label;
  GtkStack    *view_stack;
  AdwLeaflet  *leaflet;
  GtkGrid     *month_grid;
  GtkWidget   *agenda_box;
  GtkLabel    *day_label;
  GtkListBox  *agenda_list;
  GtkLabel    *compliance_summary;
  GtkButton   *archive_button;
  GtkGrid     *compliance_grid;

  /* Owned */
  EvgContext  *context;
  GtkWidget   *cells[N_CELLS];
  char        *cell_days[N_CELLS];
  GDate        month;       /* its first day */
  GDate        selected;
  GDate        today;
  char        *warning;
  gboolean     built;       /* the days and the year's grid exist */
  gboolean     listening;   /* to the meetings, which are then read */
};

G_DEFINE_FINAL_TYPE (EvgCalendarPage, evg_calendar_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_WARNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void refresh (EvgCalendarPage *self);

static char *
format_day (const GDate *date)
{
  return evg_format_date (date);
}

/* The cell's accessible label and tooltip: "3月5日 星期四，2 个会议". */
static char *
describe_day (const GDate *date,
              guint        n_meetings)
{
  char text[64];
  g_autofree char *count = NULL;

  g_date_strftime (text, sizeof text, _("%B %-d, %A"), date);
  if (n_meetings == 0)
    return g_strdup_printf (_("%s, no meetings"), text);
  count = g_strdup_printf (ngettext ("%u meeting", "%u meetings", n_meetings), n_meetings);
  return g_strdup_printf ("%s, %s", text, count);
}

/* The meeting's title; a 党小组会 without one is named by its group. */
static char *
dup_title (EvgCalendarPage *self,
           EvgMeeting      *meeting)
{
  const char *group_id = evg_meeting_get (meeting, EVG_MEETING_PARTY_GROUP_ID);
  GListModel *groups;

  if (evg_meeting_get (meeting, EVG_MEETING_TITLE) != NULL || group_id == NULL)
    return evg_meeting_dup_display_title (meeting);
  groups = evg_roster_get_party_groups (evg_context_get_roster (self->context));
  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(EvgPartyGroup) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (evg_party_group_get_id (group), group_id) == 0)
        return g_strdup_printf (_("%s, %s"), evg_party_group_get_name (group),
                                evg_meeting_kind_get_label (evg_meeting_get_kind (meeting)));
    }
  return evg_meeting_dup_display_title (meeting);
}

static GtkWidget *
make_tag (EvgCalendarPage *self,
          EvgMeeting      *meeting)
{
  g_autofree char *title = dup_title (self, meeting);
  g_autofree char *css = g_strdup_printf ("evg-meeting-%s", evg_meeting_get (meeting, EVG_MEETING_TYPE));
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "evg-meeting-tag");
  gtk_widget_add_css_class (label, css);
  if (g_strcmp0 (evg_meeting_get (meeting, EVG_MEETING_STATUS), "cancelled") == 0)
    gtk_widget_add_css_class (label, "evg-meeting-cancelled");
  return label;
}

/* Fills the day cell @index with its date and meetings. */
static void
fill_cell (EvgCalendarPage *self,
           guint            index,
           const GDate     *date,
           GPtrArray       *meetings)
{
  GtkWidget *button = self->cells[index];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *number = g_strdup_printf ("%u", g_date_get_day (date));
  g_autofree char *description = describe_day (date, meetings->len);
  GtkWidget *label = gtk_label_new (number);

  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_widget_add_css_class (label, "evg-day-number");
  gtk_box_append (GTK_BOX (box), label);
  for (guint i = 0; i < meetings->len && i < MAX_TAGS; i++)
    gtk_box_append (GTK_BOX (box), make_tag (self, g_ptr_array_index (meetings, i)));
  if (meetings->len > MAX_TAGS)
    {
      g_autofree char *more = g_strdup_printf (_("%u more"), meetings->len - MAX_TAGS);
      GtkWidget *more_label = gtk_label_new (more);

      gtk_label_set_xalign (GTK_LABEL (more_label), 0);
      gtk_widget_add_css_class (more_label, "dim-label");
      gtk_box_append (GTK_BOX (box), more_label);
    }
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_set_tooltip_text (button, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);

  g_free (self->cell_days[index]);
  self->cell_days[index] = format_day (date);
  if (g_date_get_month (date) != g_date_get_month (&self->month))
    gtk_widget_add_css_class (button, "evg-other-month");
  else
    gtk_widget_remove_css_class (button, "evg-other-month");
  if (g_date_compare (date, &self->today) == 0)
    gtk_widget_add_css_class (button, "evg-today");
  else
    gtk_widget_remove_css_class (button, "evg-today");
  if (g_date_compare (date, &self->selected) == 0)
    gtk_widget_add_css_class (button, "evg-selected");
  else
    gtk_widget_remove_css_class (button, "evg-selected");
}

/* The first day the grid shows: the Monday on or before the 1st. */
static void
first_cell_day (EvgCalendarPage *self,
                GDate           *first)
{
  *first = self->month;
  g_date_subtract_days (first, g_date_get_weekday (first) - G_DATE_MONDAY);
}

static GtkWidget *
agenda_row (EvgCalendarPage *self,
            EvgMeeting      *meeting)
{
  g_autofree char *title = dup_title (self, meeting);
  const char *starts = evg_meeting_get (meeting, EVG_MEETING_STARTS_AT);
  const char *place = evg_meeting_get (meeting, EVG_MEETING_PLACE);
  g_autofree char *when = g_strdup_printf ("%.5s %s", starts + 5, starts + 11);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s%s%s", when,
                                               evg_meeting_kind_get_label (evg_meeting_get_kind (meeting)),
                                               place != NULL ? " · " : "", place != NULL ? place : "");
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *status = gtk_label_new (evg_meeting_status_get_label (evg_meeting_get (meeting, EVG_MEETING_STATUS)));
  GtkWidget *dot = gtk_label_new (" ");
  g_autofree char *css = g_strdup_printf ("evg-meeting-%s", evg_meeting_get (meeting, EVG_MEETING_TYPE));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_add_css_class (dot, "evg-meeting-tag");
  gtk_widget_add_css_class (dot, css);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), dot);
  gtk_widget_add_css_class (status, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), status);
  g_object_set_data_full (G_OBJECT (row), "meeting-id", g_strdup (evg_meeting_get_id (meeting)), g_free);
  return row;
}

static void
fill_agenda (EvgCalendarPage *self,
             GPtrArray       *meetings)
{
  GtkWidget *child;
  char text[64];

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->agenda_list))) != NULL)
    gtk_list_box_remove (self->agenda_list, child);
  g_date_strftime (text, sizeof text, _("Meetings in %B"), &self->month);
  gtk_label_set_text (self->day_label, text);
  for (guint i = 0; i < meetings->len; i++)
    gtk_list_box_append (self->agenda_list, agenda_row (self, g_ptr_array_index (meetings, i)));
  if (meetings->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_("No meetings this month. Choose a day and press Ctrl+N to plan one."));

      gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
      gtk_widget_add_css_class (empty, "dim-label");
      gtk_widget_set_margin_top (empty, 12);
      gtk_widget_set_margin_bottom (empty, 12);
      gtk_widget_set_margin_start (empty, 12);
      gtk_widget_set_margin_end (empty, 12);
      gtk_list_box_set_placeholder (self->agenda_list, empty);
    }
}

static void
refresh_month (EvgCalendarPage *self)
{
  EvgCalendar *calendar = evg_context_get_calendar (self->context);
  g_autoptr(GPtrArray) meetings = NULL;
  g_autoptr(GPtrArray) in_month = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *first_text = NULL;
  g_autofree char *last_text = NULL;
  GDate first, last, day;
  guint k = 0;
  char title[64];

  g_date_strftime (title, sizeof title, _("%B %Y"), &self->month);
  gtk_label_set_text (self->month_label, title);

  first_cell_day (self, &first);
  last = first;
  g_date_add_days (&last, N_CELLS - 1);
  first_text = format_day (&first);
  last_text = format_day (&last);
  meetings = evg_calendar_list_between (calendar, first_text, last_text);

  day = first;
  for (guint i = 0; i < N_CELLS; i++)
    {
      g_autoptr(GPtrArray) of_day = g_ptr_array_new ();
      g_autofree char *text = format_day (&day);

      /* Meetings come in order of their start, so one pass fills the cells. */
      while (k < meetings->len)
        {
          EvgMeeting *meeting = g_ptr_array_index (meetings, k);

          if (strncmp (evg_meeting_get (meeting, EVG_MEETING_STARTS_AT), text, 10) != 0)
            break;
          g_ptr_array_add (of_day, meeting);
          if (g_date_get_month (&day) == g_date_get_month (&self->month))
            g_ptr_array_add (in_month, g_object_ref (meeting));
          k++;
        }
      fill_cell (self, i, &day, of_day);
      g_date_add_days (&day, 1);
    }
  fill_agenda (self, in_month);
}

static void
add_compliance_cell (EvgCalendarPage *self,
                     EvgCompliance   *row,
                     int              line,
                     int              column,
                     int              width)
{
  GtkWidget *cell;
  const char *mark, *css;
  g_autofree char *tooltip = NULL;

  switch (row->status)
    {
    case EVG_COMPLIANCE_MET:
      mark = "✓";
      css = "evg-compliance-met";
      tooltip = g_strdup_printf (_("%s: held"), row->period);
      break;
    case EVG_COMPLIANCE_MISSED:
      mark = "✗";
      css = "evg-compliance-missed";
      tooltip = g_strdup_printf (_("%s: missed"), row->period);
      break;
    case EVG_COMPLIANCE_OPEN:
    default:
      mark = "·";
      css = row->days_left <= 7 ? "evg-compliance-due" : "evg-compliance-open";
      tooltip = g_strdup_printf (ngettext ("%s: not yet held, %d day left", "%s: not yet held, %d days left",
                                           row->days_left), row->period, row->days_left);
      break;
    }
  cell = gtk_label_new (mark);
  gtk_widget_add_css_class (cell, "evg-compliance-cell");
  gtk_widget_add_css_class (cell, css);
  gtk_widget_set_tooltip_text (cell, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_grid_attach (self->compliance_grid, cell, column, line, width, 1);
}

/* The year as a grid: a line per type (and per group for the 党小组会),
 * a column per month; a quarter's cell spans its three months. */
static void
refresh_compliance (EvgCalendarPage *self)
{
  EvgCalendar *calendar = evg_context_get_calendar (self->context);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) due_soon = g_string_new (NULL);
  g_autofree char *today = format_day (&self->today);
  GtkWidget *child;
  int year = g_date_get_year (&self->month);
  guint met = 0, missed = 0;
  int line = 0;
  const char *last_key = NULL;
  g_autofree char *summary = NULL;

  while (self->built && (child = gtk_widget_get_first_child (GTK_WIDGET (self->compliance_grid))) != NULL)
    gtk_grid_remove (self->compliance_grid, child);

  rows = evg_calendar_compliance (calendar, year, today, &error);
  if (rows == NULL)
    {
      gtk_label_set_text (self->compliance_summary, error->message);
      return;
    }
  for (int m = 0; self->built && m < 12; m++)
    {
      char name[32];
      GDate first;
      GtkWidget *header;

      g_date_clear (&first, 1);
      g_date_set_dmy (&first, 1, (GDateMonth) (m + 1), (GDateYear) year);
      g_date_strftime (name, sizeof name, "%b", &first);
      header = gtk_label_new (name);

      gtk_widget_add_css_class (header, "dim-label");
      gtk_grid_attach (self->compliance_grid, header, m + 1, 0, 1, 1);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      EvgCompliance *row = g_ptr_array_index (rows, i);
      g_autofree char *key = g_strdup_printf ("%d|%s", row->kind, row->party_group_id);
      int first_month = (row->first_day[5] - '0') * 10 + (row->first_day[6] - '0');
      int last_month = (row->last_day[5] - '0') * 10 + (row->last_day[6] - '0');

      if (self->built && (last_key == NULL || g_strcmp0 (key, last_key) != 0))
        {
          g_autofree char *name = row->party_group_name != NULL
                                  ? g_strdup_printf ("%s · %s", evg_meeting_kind_get_label (row->kind),
                                                     row->party_group_name)
                                  : g_strdup (evg_meeting_kind_get_label (row->kind));
          GtkWidget *label = gtk_label_new (name);

          line++;
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          /* Room for every character: CJK text is measured short here. */
          gtk_label_set_width_chars (GTK_LABEL (label), (int) g_utf8_strlen (name, -1) * 2);
          gtk_grid_attach (self->compliance_grid, label, 0, line, 1, 1);
          g_object_set_data_full (G_OBJECT (label), "key", g_strdup (key), g_free);
          last_key = g_object_get_data (G_OBJECT (label), "key");
        }
      if (self->built)
        add_compliance_cell (self, row, line, first_month, last_month - first_month + 1);
      met += row->status == EVG_COMPLIANCE_MET;
      missed += row->status == EVG_COMPLIANCE_MISSED;
      if (row->status == EVG_COMPLIANCE_OPEN && row->days_left <= 7 &&
          strcmp (row->first_day, today) <= 0)
        {
          g_autofree char *what = row->party_group_name != NULL
                                  ? g_strdup_printf ("%s（%s）", evg_meeting_kind_get_label (row->kind),
                                                     row->party_group_name)
                                  : g_strdup (evg_meeting_kind_get_label (row->kind));

          if (due_soon->len > 0)
            g_string_append (due_soon, _(", "));
          g_string_append (due_soon, what);
        }
    }
  summary = g_strdup_printf (_("%d: %u periods met, %u missed. ✓ held, ✗ missed, · not yet held."),
                             year, met, missed);
  {
    g_autofree char *label = g_strdup_printf (_("_Archive %d…"), year);

    gtk_button_set_label (self->archive_button, label);
    gtk_button_set_use_underline (self->archive_button, TRUE);
    /* A year is archived once it is over. */
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "calendar.archive", year < g_date_get_year (&self->today));
  }
  gtk_label_set_text (self->compliance_summary, summary);

  /* The warning is about the periods that end within a week, this year. */
  if (year == g_date_get_year (&self->today))
    {
      g_free (self->warning);
      self->warning = due_soon->len > 0
                      ? g_strdup_printf (_("Not held yet, and the period ends within 7 days: %s."), due_soon->str)
                      : NULL;
      gtk_label_set_text (self->warning_label, self->warning != NULL ? self->warning : "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->warning_label), self->warning);
      gtk_widget_set_visible (self->warning_revealer, self->warning != NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNING]);
    }
}

/* Until the page is first shown only the warning is worked out: the
 * window starts without building the days. */
static void
refresh (EvgCalendarPage *self)
{
  if (self->context == NULL)
    return;
  if (self->built)
    refresh_month (self);
  refresh_compliance (self);
}

static void
focus_selected (EvgCalendarPage *self)
{
  g_autofree char *day = format_day (&self->selected);

  for (guint i = 0; i < N_CELLS; i++)
    if (g_strcmp0 (self->cell_days[i], day) == 0)
      {
        gtk_widget_grab_focus (self->cells[i]);
        return;
      }
}

static void
select_date (EvgCalendarPage *self,
             const GDate     *date,
             gboolean         focus)
{
  gboolean new_month = g_date_get_month (date) != g_date_get_month (&self->month) ||
                       g_date_get_year (date) != g_date_get_year (&self->month);

  self->selected = *date;
  if (new_month)
    {
      self->month = *date;
      g_date_set_day (&self->month, 1);
      refresh (self);
    }
  else if (self->built)
    refresh_month (self);
  if (focus)
    focus_selected (self);
}

static void
open_editor (EvgCalendarPage *self,
             EvgMeeting      *meeting)
{
  g_autofree char *day = format_day (&self->selected);
  EvgMeetingEditor *editor = evg_meeting_editor_new (self->context, meeting, day);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (editor));
}

/* Enter on a day opens its first meeting, or plans one on it. */
static void
open_day (EvgCalendarPage *self)
{
  g_autofree char *day = format_day (&self->selected);
  g_autoptr(GPtrArray) meetings = evg_calendar_list_between (evg_context_get_calendar (self->context),
                                                              day, day);

  open_editor (self, meetings->len > 0 ? g_ptr_array_index (meetings, 0) : NULL);
}

static void
on_cell_clicked (GtkButton       *button,
                 EvgCalendarPage *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "cell"));
  GDate date;

  if (!evg_parse_date (self->cell_days[index], &date))
    return;
  if (g_date_compare (&date, &self->selected) == 0)
    {
      /* A second click on the selected day, or Enter, opens it. */
      open_day (self);
      return;
    }
  select_date (self, &date, TRUE);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->agenda_box);
}

static gboolean
on_grid_key (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             EvgCalendarPage       *self)
{
  GDate date = self->selected;
  int step = 0;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      step = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? 1 : -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      step = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? -1 : 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      step = -7;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      step = 7;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      open_day (self);
      return TRUE;
    default:
      return FALSE;
    }
  if (step > 0)
    g_date_add_days (&date, (guint) step);
  else
    g_date_subtract_days (&date, (guint) -step);
  select_date (self, &date, TRUE);
  return TRUE;
}

static void
build_grid (EvgCalendarPage *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GDate monday;

  /* Weekday names from a known Monday (2024-01-01). */
  g_date_clear (&monday, 1);
  g_date_set_dmy (&monday, 1, G_DATE_JANUARY, 2024);
  for (guint i = 0; i < 7; i++)
    {
      char name[32];
      GtkWidget *label;

      g_date_strftime (name, sizeof name, "%a", &monday);
      label = gtk_label_new (name);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (self->month_grid, label, (int) i, 0, 1, 1);
      g_date_add_days (&monday, 1);
    }
  for (guint i = 0; i < N_CELLS; i++)
    {
      GtkWidget *button = gtk_button_new ();

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "evg-day");
      gtk_widget_set_vexpand (button, TRUE);
      g_object_set_data (G_OBJECT (button), "cell", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (on_cell_clicked), self);
      gtk_grid_attach (self->month_grid, button, (int) (i % 7), (int) (i / 7) + 1, 1, 1);
      self->cells[i] = button;
    }
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_grid_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->month_grid), keys);
}

static void
on_agenda_row_activated (EvgCalendarPage *self,
                         GtkListBoxRow   *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "meeting-id");

  evg_calendar_page_open_meeting (self, id);
}

static void
on_agenda_back (EvgCalendarPage *self)
{
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->month_grid));
}

/* Whether a day has the focus, which then stays on the days. */
static gboolean
grid_has_focus (EvgCalendarPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->month_grid));
}

static void
move_months (EvgCalendarPage *self,
             int              months)
{
  GDate date = self->selected;

  if (months > 0)
    g_date_add_months (&date, (guint) months);
  else
    g_date_subtract_months (&date, (guint) -months);
  select_date (self, &date, grid_has_focus (self));
}

static void
previous_action (GtkWidget  *widget,
                 const char *action,
                 GVariant   *parameter)
{
  move_months (EVG_CALENDAR_PAGE (widget), -1);
}

static void
next_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  move_months (EVG_CALENDAR_PAGE (widget), 1);
}

static void
today_action (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  EvgCalendarPage *self = EVG_CALENDAR_PAGE (widget);

  select_date (self, &self->today, TRUE);
}

static void
add_action (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  EvgCalendarPage *self = EVG_CALENDAR_PAGE (widget);

  if (self->context != NULL)
    open_editor (self, NULL);
}

static void
on_archive_response (AdwMessageDialog *dialog,
                     const char       *response,
                     EvgCalendarPage  *self)
{
  g_autoptr(GError) error = NULL;
  int year = g_date_get_year (&self->month);

  if (g_strcmp0 (response, "archive") != 0)
    return;
  evg_calendar_archive_year (evg_context_get_calendar (self->context), year, &error);
  if (error != NULL)
    {
      GtkWidget *failed = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                  _("The Year Was Not Archived"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (failed), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (failed));
    }
}

/* Year-end archive: every meeting of the shown year becomes final. */
static void
archive_action (GtkWidget  *widget,
                const char *action,
                GVariant   *parameter)
{
  EvgCalendarPage *self = EVG_CALENDAR_PAGE (widget);
  g_autofree char *heading = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  if (self->context == NULL || !GTK_IS_WINDOW (root))
    return;
  heading = g_strdup_printf (_("Archive %d?"), g_date_get_year (&self->month));
  dialog = adw_message_dialog_new (GTK_WINDOW (root), heading,
                                   _("Every meeting of the year becomes final on every device: it can be "
                                     "read and printed, not changed. Corrections can still be added to "
                                     "signed records. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "archive", _("_Archive"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "archive", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_archive_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action,
                  GVariant   *parameter)
{
  EvgCalendarPage *self = EVG_CALENDAR_PAGE (widget);

  gtk_stack_set_visible_child_name (self->view_stack,
                                    g_str_equal (action, "calendar.show-month") ? "month" : "compliance");
}

static void
plans_action (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  EvgCalendarPage *self = EVG_CALENDAR_PAGE (widget);
  EvgPlansWindow *window;
  GtkRoot *root;

  if (self->context == NULL)
    return;
  window = evg_plans_window_new (self->context);
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (window));
}

/* The plans' occurrences of the coming months, as days pass. */
static void
apply_plans (EvgCalendarPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *today = format_day (&self->today);

  if (evg_store_is_read_only (evg_context_get_store (self->context)))
    return;
  if (!evg_calendar_apply_plans (evg_context_get_calendar (self->context), today, 3, NULL, NULL, &error))
    g_warning ("Could not make the planned meetings: %s", error->message);
}

static void
on_meetings_changed (EvgCalendarPage *self)
{
  refresh (self);
}

static void
evg_calendar_page_dispose (GObject *object)
{
  EvgCalendarPage *self = EVG_CALENDAR_PAGE (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_CALENDAR_PAGE);
  /* The template's box is not bound, so it goes by hand. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->context);
  for (guint i = 0; i < N_CELLS; i++)
    g_clear_pointer (&self->cell_days[i], g_free);
  g_clear_pointer (&self->warning, g_free);
  G_OBJECT_CLASS (evg_calendar_page_parent_class)->dispose (object);
}

static void
evg_calendar_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  EvgCalendarPage *self = EVG_CALENDAR_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_WARNING:
      g_value_set_string (value, self->warning);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_calendar_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  EvgCalendarPage *self = EVG_CALENDAR_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      evg_calendar_page_set_context (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_calendar_page_class_init (EvgCalendarPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_calendar_page_dispose;
  object_class->get_property = evg_calendar_page_get_property;
  object_class->set_property = evg_calendar_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, EVG_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A period that ends within a week without its meeting, for the window
   * to show on the page's name. */
  properties[PROP_WARNING] =
    g_param_spec_string ("warning", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/evanguard/Workstation/ui/evg-calendar-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, month_label);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, warning_revealer);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, month_grid);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, agenda_box);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, day_label);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, agenda_list);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, compliance_summary);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, archive_button);
  gtk_widget_class_bind_template_child (widget_class, EvgCalendarPage, compliance_grid);
  gtk_widget_class_bind_template_callback (widget_class, on_agenda_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_agenda_back);

  gtk_widget_class_install_action (widget_class, "calendar.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "calendar.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "calendar.today", NULL, today_action);
  gtk_widget_class_install_action (widget_class, "calendar.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "calendar.plans", NULL, plans_action);
  gtk_widget_class_install_action (widget_class, "calendar.archive", NULL, archive_action);
  gtk_widget_class_install_action (widget_class, "calendar.show-month", NULL, show_view_action);
  gtk_widget_class_install_action (widget_class, "calendar.show-compliance", NULL, show_view_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static gboolean
first_refresh (gpointer data)
{
  EvgCalendarPage *self = data;

  if (self->context != NULL && !self->listening)
    {
      self->listening = TRUE;
      g_signal_connect_object (evg_calendar_get_meetings (evg_context_get_calendar (self->context)),
                               "items-changed", G_CALLBACK (on_meetings_changed), self, G_CONNECT_SWAPPED);
      refresh (self);
    }
  return G_SOURCE_REMOVE;
}

/* The days are built, and the plans applied, when the page is first shown:
 * not while the window starts on another page. */
static void
on_first_map (EvgCalendarPage *self)
{
  if (self->built)
    return;
  self->built = TRUE;
  build_grid (self);
  if (self->context != NULL)
    apply_plans (self);
  if (!self->listening)
    first_refresh (self);
  else
    refresh (self);
}

/* The page's keys work wherever the focus is in the window while the page
 * shows (the sidebar, the header), not only inside it. */
static void
add_shortcuts (EvgCalendarPage *self)
{
  static const EvgPageKey keys[] = {
    { GDK_KEY_Page_Up, 0, "calendar.previous" },
    { GDK_KEY_KP_Page_Up, 0, "calendar.previous" },
    { GDK_KEY_Page_Down, 0, "calendar.next" },
    { GDK_KEY_KP_Page_Down, 0, "calendar.next" },
    { GDK_KEY_n, GDK_CONTROL_MASK, "calendar.add" },
    { GDK_KEY_Home, GDK_CONTROL_MASK, "calendar.today" },
  };

  evg_page_add_keys (GTK_WIDGET (self), keys, G_N_ELEMENTS (keys));
}

static void
evg_calendar_page_init (EvgCalendarPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  evg_date_set_today (&self->today);
  self->selected = self->today;
  self->month = self->today;
  g_date_set_day (&self->month, 1);
  add_shortcuts (self);
  g_signal_connect (self, "map", G_CALLBACK (on_first_map), NULL);
}


void
evg_calendar_page_set_context (EvgCalendarPage *self,
                               EvgContext      *context)
{
  g_return_if_fail (EVG_IS_CALENDAR_PAGE (self));

  if (self->context == context)
    return;
  g_return_if_fail (self->context == NULL);
  self->context = g_object_ref (context);
  /* The meetings are read, and the warning worked out, once the window
   * has shown its first frame. */
  g_idle_add_full (G_PRIORITY_LOW, first_refresh, g_object_ref (self), g_object_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT]);
}

/* For tests: the day that counts as today, YYYY-MM-DD. */
void
evg_calendar_page_set_today (EvgCalendarPage *self,
                             const char      *today)
{
  GDate date;

  g_return_if_fail (EVG_IS_CALENDAR_PAGE (self));
  if (!evg_parse_date (today, &date))
    return;
  self->today = date;
  self->month = date;
  g_date_set_day (&self->month, 1);
  self->selected = date;
  refresh (self);
}

void
evg_calendar_page_select_day (EvgCalendarPage *self,
                              const char      *day)
{
  GDate date;

  g_return_if_fail (EVG_IS_CALENDAR_PAGE (self));
  if (evg_parse_date (day, &date))
    select_date (self, &date, FALSE);
}

/* Returns: (transfer full): the selected day, YYYY-MM-DD */
char *
evg_calendar_page_dup_selected_day (EvgCalendarPage *self)
{
  g_return_val_if_fail (EVG_IS_CALENDAR_PAGE (self), NULL);
  return format_day (&self->selected);
}

const char *
evg_calendar_page_get_warning (EvgCalendarPage *self)
{
  g_return_val_if_fail (EVG_IS_CALENDAR_PAGE (self), NULL);
  return self->warning;
}

void
evg_calendar_page_open_meeting (EvgCalendarPage *self,
                                const char      *id)
{
  EvgMeeting *meeting;

  g_return_if_fail (EVG_IS_CALENDAR_PAGE (self));
  meeting = evg_calendar_lookup (evg_context_get_calendar (self->context), id);
  if (meeting != NULL)
    open_editor (self, meeting);
}
