/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-plans-window"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-calendar-plan.h"
#include "evg-party-group.h"
#include "evg-plans-window.h"
#include "evg-validate.h"

/* The branch's standing plans (计划): 主题党日 on a fixed day each month,
 * 党小组会 monthly per group, 党课 each quarter or half-year.  Each change
 * applies the plans at once, so the calendar shows the coming months'
 * planned meetings. */

#define MONTHS_AHEAD 3

struct _EvgPlansWindow
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkListBox    *plans_list;
  AdwComboRow   *type_row;
  AdwComboRow   *cadence_row;
  AdwComboRow   *group_row;
  GtkSpinButton *day_spin;
  AdwEntryRow   *time_row;
  AdwEntryRow   *title_row;
  AdwEntryRow   *place_row;
  GtkLabel      *status_label;

  /* Owned */
  EvgContext    *context;
  GListModel    *groups;
};

G_DEFINE_FINAL_TYPE (EvgPlansWindow, evg_plans_window, ADW_TYPE_WINDOW)

static void refresh (EvgPlansWindow *self);

static void
say (EvgPlansWindow *self,
     const char     *text,
     gboolean        error)
{
  gtk_label_set_text (self->status_label, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* Applies the plans and says what it made. */
static void
apply (EvgPlansWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *today = NULL;
  g_autofree char *text = NULL;
  guint added = 0, removed = 0;
  GDate date;

  evg_date_set_today (&date);
  today = evg_format_date (&date);
  if (!evg_calendar_apply_plans (evg_context_get_calendar (self->context), today, MONTHS_AHEAD,
                                 &added, &removed, &error))
    {
      say (self, error->message, TRUE);
      return;
    }
  text = g_strdup_printf (_("Planned meetings of the next three months: %u added, %u removed."),
                          added, removed);
  say (self, text, FALSE);
}

static char *
group_name (EvgPlansWindow *self,
            const char     *id)
{
  for (guint i = 0; id != NULL && i < g_list_model_get_n_items (self->groups); i++)
    {
      g_autoptr(EvgPartyGroup) group = g_list_model_get_item (self->groups, i);

      if (g_strcmp0 (evg_party_group_get_id (group), id) == 0)
        return g_strdup (evg_party_group_get_name (group));
    }
  return NULL;
}

static void
on_delete_clicked (GtkButton      *button,
                   EvgPlansWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "plan-id");
  g_autoptr(GError) error = NULL;

  if (!evg_calendar_delete_plan (evg_context_get_calendar (self->context), id, &error))
    {
      say (self, error->message, TRUE);
      return;
    }
  apply (self);
  refresh (self);
}

static void
refresh (EvgPlansWindow *self)
{
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->plans_list))) != NULL)
    gtk_list_box_remove (self->plans_list, child);
  plans = evg_calendar_list_plans (evg_context_get_calendar (self->context), &error);
  if (plans == NULL)
    {
      say (self, error->message, TRUE);
      return;
    }
  for (guint i = 0; i < plans->len; i++)
    {
      EvgMeetingPlanInfo *plan = g_ptr_array_index (plans, i);
      int kind = evg_meeting_kind_from_code (plan->values[EVG_MEETING_PLAN_TYPE]);
      g_autofree char *group = group_name (self, plan->values[EVG_MEETING_PLAN_PARTY_GROUP_ID]);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *accessible = NULL;
      EvgCadence cadence;
      int day;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

      if (kind < 0 || !evg_meeting_plan_parse_rule (plan->values[EVG_MEETING_PLAN_RULE], &cadence, &day))
        continue;
      title = group != NULL ? g_strdup_printf ("%s %s", group, evg_meeting_kind_get_label (kind))
                            : g_strdup (evg_meeting_kind_get_label (kind));
      subtitle = g_strdup_printf (_("%s, on day %d, at %s"), evg_cadence_get_label (cadence), day,
                                  plan->values[EVG_MEETING_PLAN_TIME] != NULL
                                  ? plan->values[EVG_MEETING_PLAN_TIME] : "09:00");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Delete the plan; meetings already held stay"));
      accessible = g_strdup_printf (_("Delete the plan %s"), title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data_full (G_OBJECT (remove), "plan-id", g_strdup (plan->id), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_delete_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (self->plans_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->plans_list), plans->len > 0);
}

static void
on_type_changed (EvgPlansWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->group_row),
                          adw_combo_row_get_selected (self->type_row) == EVG_MEETING_KIND_GROUP);
}

/**
 * evg_plans_window_add:
 *
 * Adds the plan the form describes and applies the plans.
 *
 * Returns: whether it was added; else the reason is shown
 */
gboolean
evg_plans_window_add (EvgPlansWindow *self)
{
  g_autoptr(EvgMeetingPlanInfo) plan = evg_meeting_plan_info_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint kind = adw_combo_row_get_selected (self->type_row);
  guint cadence = adw_combo_row_get_selected (self->cadence_row);
  guint group = adw_combo_row_get_selected (self->group_row);
  const char *time = gtk_editable_get_text (GTK_EDITABLE (self->time_row));
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));
  const char *place = gtk_editable_get_text (GTK_EDITABLE (self->place_row));
  GDate today;

  g_return_val_if_fail (EVG_IS_PLANS_WINDOW (self), FALSE);

  evg_date_set_today (&today);
  g_date_set_day (&today, 1);
  plan->values[EVG_MEETING_PLAN_TYPE] = g_strdup (evg_meeting_kind_to_code (MIN (kind, EVG_MEETING_N_KINDS - 1)));
  plan->values[EVG_MEETING_PLAN_RULE] =
    evg_meeting_plan_make_rule (MIN (cadence, EVG_N_CADENCES - 1), gtk_spin_button_get_value_as_int (self->day_spin));
  plan->values[EVG_MEETING_PLAN_STARTS_ON] = evg_format_date (&today);
  plan->values[EVG_MEETING_PLAN_TIME] = g_strdup (*time != '\0' ? time : "09:00");
  plan->values[EVG_MEETING_PLAN_TITLE] = *title != '\0' ? g_strdup (title) : NULL;
  plan->values[EVG_MEETING_PLAN_PLACE] = *place != '\0' ? g_strdup (place) : NULL;
  if (kind == EVG_MEETING_KIND_GROUP && group < g_list_model_get_n_items (self->groups))
    {
      g_autoptr(EvgPartyGroup) party_group = g_list_model_get_item (self->groups, group);

      plan->values[EVG_MEETING_PLAN_PARTY_GROUP_ID] = g_strdup (evg_party_group_get_id (party_group));
    }
  id = evg_calendar_save_plan (evg_context_get_calendar (self->context), plan, &error);
  if (id == NULL)
    {
      say (self, error->message, TRUE);
      return FALSE;
    }
  apply (self);
  refresh (self);
  return TRUE;
}

static void
add_action (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  evg_plans_window_add (EVG_PLANS_WINDOW (widget));
}

static char *
party_group_name (EvgPartyGroup *group)
{
  return g_strdup (evg_party_group_get_name (group));
}

static void
evg_plans_window_dispose (GObject *object)
{
  EvgPlansWindow *self = EVG_PLANS_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_PLANS_WINDOW);
  g_clear_object (&self->groups);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (evg_plans_window_parent_class)->dispose (object);
}

static void
evg_plans_window_class_init (EvgPlansWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_plans_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/evanguard/Workstation/ui/evg-plans-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, plans_list);
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, type_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, cadence_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, group_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, day_spin);
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, time_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, title_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, place_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPlansWindow, status_label);

  gtk_widget_class_install_action (widget_class, "plans.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
evg_plans_window_init (EvgPlansWindow *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) cadences = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < EVG_MEETING_N_KINDS; i++)
    gtk_string_list_append (kinds, evg_meeting_kind_get_label (i));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (kinds));
  adw_combo_row_set_selected (self->type_row, EVG_MEETING_KIND_THEME_DAY);
  for (guint i = 0; i < EVG_N_CADENCES; i++)
    gtk_string_list_append (cadences, evg_cadence_get_label (i));
  adw_combo_row_set_model (self->cadence_row, G_LIST_MODEL (cadences));
  g_signal_connect_swapped (self->type_row, "notify::selected", G_CALLBACK (on_type_changed), self);
  on_type_changed (self);
}

EvgPlansWindow *
evg_plans_window_new (EvgContext *context)
{
  EvgPlansWindow *self = g_object_new (EVG_TYPE_PLANS_WINDOW, NULL);
  GtkExpression *expression;

  self->context = g_object_ref (context);
  self->groups = g_object_ref (evg_roster_get_party_groups (evg_context_get_roster (context)));
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (party_group_name), NULL, NULL);
  adw_combo_row_set_expression (self->group_row, expression);
  gtk_expression_unref (expression);
  adw_combo_row_set_model (self->group_row, self->groups);
  refresh (self);
  return self;
}
