/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-rates-view"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-accessible.h"
#include "evg-inbox.h"
#include "evg-rates-view.h"

/* The three monthly rates the branch is graded by (响应率, 解决率, 满意率):
 * the chosen month's, each with what it is made of and its formula beside
 * it, the last twelve months as a chart, and the month by category.  The
 * service works every figure out from the events, in a worker; a change
 * of the messages reads them again. */

#define N_MONTHS 12
#define N_RATES 3

typedef struct
{
  GtkLabel *value;
  GtkLabel *counts;
  GtkLabel *formula;
} Card;

struct _EvgRatesView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkRevealer   *error_revealer;
  GtkLabel      *error_label;
  GtkLabel      *month_label;
  GtkDropDown   *category_filter;
  GtkSpinner    *spinner;
  GtkLabel      *summary_label;
  GtkFlowBox    *cards;
  EvgRatesChart *chart;
  GtkGrid       *category_grid;

  /* Owned */
  EvgContext    *context;
  GCancellable  *cancellable;
  char          *month;
  guint          pending;       /* computations not back yet */
  guint          reload_id;
  gboolean       stale;         /* the messages changed while hidden */

  /* Borrowed */
  Card           card[N_RATES];
};

G_DEFINE_FINAL_TYPE (EvgRatesView, evg_rates_view, GTK_TYPE_WIDGET)

static const char * const rate_titles[N_RATES] = {
  N_("Response rate"), N_("Resolution rate"), N_("Satisfaction rate"),
};

/* The figure in each rate's colour in the chart. */
static const char * const rate_css[N_RATES] = {
  "evg-rate-response", "evg-rate-resolution", "evg-rate-satisfaction",
};

static EvgInbox *
get_inbox (EvgRatesView *self)
{
  return evg_context_get_inbox (self->context);
}

static const EvgColumnSpec *
category_column (void)
{
  return evg_feedback_field_get_info (EVG_FEEDBACK_CATEGORY);
}

/* The category the filter chose, or NULL for all. */
static const char *
get_category (EvgRatesView *self)
{
  guint selected = gtk_drop_down_get_selected (self->category_filter);

  return selected > 0 && selected <= category_column ()->n_choices
         ? category_column ()->choices[selected - 1].code : NULL;
}

static void
show_error (EvgRatesView *self,
            const char   *text)
{
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
dismiss_error_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  EvgRatesView *self = EVG_RATES_VIEW (widget);

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gtk_label_set_text (self->error_label, "");
}

static double
rate_of (const EvgFeedbackRates *rates,
         EvgRate                 rate)
{
  switch (rate)
    {
    case EVG_RATE_RESPONSE:
      return rates->response_rate;
    case EVG_RATE_RESOLUTION:
      return rates->resolution_rate;
    default:
      return rates->satisfaction_rate;
    }
}

/* What a rate is made of, in counts. */
static char *
dup_counts (const EvgFeedbackRates *rates,
            EvgRate                 rate)
{
  switch (rate)
    {
    case EVG_RATE_RESPONSE:
      return g_strdup_printf (ngettext ("%u of %u counted message responded to in time",
                                        "%u of %u counted messages responded to in time", rates->counted),
                              rates->responded_in_time, rates->counted);
    case EVG_RATE_RESOLUTION:
      return g_strdup_printf (ngettext ("Of %u called back: %u resolved, %u partly, %u not",
                                        "Of %u called back: %u resolved, %u partly, %u not", rates->called_back),
                              rates->called_back, rates->resolved, rates->partly_resolved, rates->not_resolved);
    default:
      return g_strdup_printf (ngettext ("Of %u called back: %u satisfied, %u basically, %u dissatisfied",
                                        "Of %u called back: %u satisfied, %u basically, %u dissatisfied",
                                        rates->called_back),
                              rates->called_back, rates->satisfied, rates->basically_satisfied,
                              rates->dissatisfied);
    }
}

static void
show_month (EvgRatesView           *self,
            const EvgFeedbackRates *rates)
{
  g_autofree char *summary = g_strdup_printf (_("Received %u · left out or merged %u · counted %u · called back %u"),
                                              rates->received, rates->excluded, rates->counted,
                                              rates->called_back);

  gtk_label_set_text (self->summary_label, summary);
  for (guint i = 0; i < N_RATES; i++)
    {
      g_autofree char *value = evg_rates_format_percent (rate_of (rates, i));
      g_autofree char *counts = dup_counts (rates, i);
      g_autofree char *accessible = g_strdup_printf ("%s %s", _(rate_titles[i]), value);

      gtk_label_set_text (self->card[i].value, value);
      gtk_label_set_text (self->card[i].counts, counts);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->card[i].value), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);
    }
}

static void
show_formulas (EvgRatesView *self)
{
  for (guint i = 0; i < N_RATES; i++)
    {
      g_autofree char *formula = evg_inbox_dup_formula (get_inbox (self), i);

      gtk_label_set_text (self->card[i].formula, formula);
    }
}

static void
finish_one (EvgRatesView *self)
{
  if (self->pending > 0 && --self->pending == 0)
    gtk_spinner_stop (self->spinner);
}

static void
on_months_computed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(EvgRatesView) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree EvgFeedbackRates *rates = NULL;
  g_autofree char *first = NULL;
  guint n_months = 0;

  rates = evg_inbox_compute_rates_finish (EVG_INBOX (source), result, &n_months, &error);
  if (rates == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  finish_one (self);
  if (rates == NULL)
    {
      show_error (self, error->message);
      return;
    }
  first = evg_rates_dup_month_after (self->month, 1 - (int) n_months);
  evg_rates_chart_set_rates (self->chart, first, rates, n_months);
  if (n_months > 0)
    show_month (self, &rates[n_months - 1]);
}

/* A category's line of the table, for the month. */
typedef struct
{
  EvgRatesView *self;
  guint         row;
} CategoryLoad;

static void
set_cell (EvgRatesView *self,
          guint         column,
          guint         row,
          const char   *text,
          gboolean      header)
{
  GtkWidget *label = gtk_grid_get_child_at (self->category_grid, (int) column, (int) row);

  if (label == NULL)
    {
      label = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
      if (header)
        gtk_widget_add_css_class (label, "heading");
      if (column == 0)
        gtk_widget_set_hexpand (label, TRUE);
      else
        gtk_widget_add_css_class (label, "numeric");
      gtk_grid_attach (self->category_grid, label, (int) column, (int) row, 1, 1);
    }
  gtk_label_set_text (GTK_LABEL (label), text);
}

static void
on_category_computed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  CategoryLoad *load = data;
  g_autoptr(EvgRatesView) self = load->self;
  g_autoptr(GError) error = NULL;
  g_autofree EvgFeedbackRates *rates = NULL;
  guint row = load->row;
  guint n_months = 0;

  g_free (load);
  rates = evg_inbox_compute_rates_finish (EVG_INBOX (source), result, &n_months, &error);
  if (rates == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  finish_one (self);
  if (rates == NULL || n_months == 0)
    {
      if (error != NULL)
        show_error (self, error->message);
      return;
    }
  {
    g_autofree char *received = g_strdup_printf ("%u", rates->received);
    g_autofree char *response = evg_rates_format_percent (rates->response_rate);
    g_autofree char *resolution = evg_rates_format_percent (rates->resolution_rate);
    g_autofree char *satisfaction = evg_rates_format_percent (rates->satisfaction_rate);

    set_cell (self, 1, row, received, FALSE);
    set_cell (self, 2, row, response, FALSE);
    set_cell (self, 3, row, resolution, FALSE);
    set_cell (self, 4, row, satisfaction, FALSE);
  }
}

static void
build_category_grid (EvgRatesView *self)
{
  const EvgColumnSpec *column = category_column ();

  set_cell (self, 0, 0, _("Category"), TRUE);
  set_cell (self, 1, 0, _("Number Received"), TRUE);
  set_cell (self, 2, 0, _("Response rate"), TRUE);
  set_cell (self, 3, 0, _("Resolution rate"), TRUE);
  set_cell (self, 4, 0, _("Satisfaction rate"), TRUE);
  for (guint i = 0; i < column->n_choices; i++)
    {
      set_cell (self, 0, i + 1, _(column->choices[i].label), FALSE);
      for (guint c = 1; c <= 4; c++)
        set_cell (self, c, i + 1, "…", FALSE);
    }
}

static void
update_month_label (EvgRatesView *self)
{
  gtk_label_set_text (self->month_label, self->month);
}

/**
 * evg_rates_view_load:
 *
 * Works the figures out again, in workers; what is on screen stays until
 * they are back.
 */
void
evg_rates_view_load (EvgRatesView *self)
{
  const EvgColumnSpec *column = category_column ();
  g_autofree char *first = NULL;

  g_return_if_fail (EVG_IS_RATES_VIEW (self));

  if (self->context == NULL)
    return;
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->stale = FALSE;
  self->pending = 1 + column->n_choices;
  gtk_spinner_start (self->spinner);
  update_month_label (self);
  show_formulas (self);

  first = evg_rates_dup_month_after (self->month, 1 - N_MONTHS);
  evg_inbox_compute_rates_async (get_inbox (self), first, N_MONTHS, get_category (self), self->cancellable,
                                 on_months_computed, g_object_ref (self));
  for (guint i = 0; i < column->n_choices; i++)
    {
      CategoryLoad *load = g_new0 (CategoryLoad, 1);

      load->self = g_object_ref (self);
      load->row = i + 1;
      evg_inbox_compute_rates_async (get_inbox (self), self->month, 1, column->choices[i].code,
                                     self->cancellable, on_category_computed, load);
    }
}

static gboolean
reload_idle (gpointer data)
{
  EvgRatesView *self = data;

  self->reload_id = 0;
  evg_rates_view_load (self);
  return G_SOURCE_REMOVE;
}

/* Messages and events change in bursts (a sync, an import): the figures
 * are worked out once it is over, or when the view is next shown. */
static void
on_store_changed (EvgRatesView *self,
                  const char   *table,
                  GPtrArray    *ids,
                  EvgStore     *store)
{
  if (g_strcmp0 (table, evg_feedback_table.name) != 0 && g_strcmp0 (table, evg_feedback_event_table.name) != 0)
    return;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (300, reload_idle, self);
}

static void
on_map (EvgRatesView *self)
{
  if (self->stale)
    evg_rates_view_load (self);
}

static void
step_month (EvgRatesView *self,
            int           n)
{
  g_autofree char *month = evg_rates_dup_month_after (self->month, n);

  if (month != NULL)
    evg_rates_view_set_month (self, month);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  step_month (EVG_RATES_VIEW (widget), -1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  step_month (EVG_RATES_VIEW (widget), 1);
}

/* Export */

static void
show_toast (EvgRatesView *self,
            const char   *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

/**
 * evg_rates_view_export:
 * @path: a .xlsx workbook, or a .csv file
 *
 * Saves the shown month's messages and rates; a failure is shown above
 * the figures.
 *
 * Returns: whether the file was written
 */
gboolean
evg_rates_view_export (EvgRatesView *self,
                       const char   *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *done = NULL;

  g_return_val_if_fail (EVG_IS_RATES_VIEW (self), FALSE);

  if (!evg_inbox_export_month (get_inbox (self), self->month, path, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The month could not be exported: %s"), error->message);

      show_error (self, text);
      return FALSE;
    }
  name = g_path_get_basename (path);
  done = g_strdup_printf (_("Saved “%s”"), name);
  show_toast (self, done);
  return TRUE;
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    EvgRatesView    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        evg_rates_view_export (self, path);
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
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EvgRatesView *self = EVG_RATES_VIEW (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (self->context == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Export the Month’s Messages"),
                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* A workbook by default, as WPS and Excel open it; a name ending in
   * .csv writes CSV. */
  name = g_strdup_printf (_("messages-%s.xlsx"), self->month);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  add_filter (GTK_FILE_CHOOSER (dialog), _("Excel workbook (.xlsx)"), "*.xlsx");
  add_filter (GTK_FILE_CHOOSER (dialog), _("CSV, UTF-8 (.csv)"), "*.csv");
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Set-up */

static void
build_cards (EvgRatesView *self)
{
  for (guint i = 0; i < N_RATES; i++)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *title = gtk_label_new (_(rate_titles[i]));
      GtkWidget *value = gtk_label_new ("—");
      GtkWidget *counts = gtk_label_new (NULL);
      GtkWidget *formula = gtk_label_new (NULL);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "evg-rate-card");
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "heading");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_widget_add_css_class (value, "title-1");
      gtk_widget_add_css_class (value, "numeric");
      gtk_widget_add_css_class (value, rate_css[i]);
      gtk_label_set_xalign (GTK_LABEL (counts), 0);
      gtk_label_set_wrap (GTK_LABEL (counts), TRUE);
      /* Wrapped within a card's width, so three cards fit on a line. */
      gtk_label_set_max_width_chars (GTK_LABEL (counts), 24);
      gtk_label_set_xalign (GTK_LABEL (formula), 0);
      gtk_label_set_wrap (GTK_LABEL (formula), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (formula), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (formula), 24);
      gtk_label_set_selectable (GTK_LABEL (formula), TRUE);
      gtk_widget_add_css_class (formula, "dim-label");
      gtk_widget_add_css_class (formula, "caption");
      gtk_accessible_update_property (GTK_ACCESSIBLE (formula), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Formula"), -1);
      gtk_box_append (GTK_BOX (card), title);
      gtk_box_append (GTK_BOX (card), value);
      gtk_box_append (GTK_BOX (card), counts);
      gtk_box_append (GTK_BOX (card), formula);
      gtk_flow_box_append (self->cards, card);
      self->card[i].value = GTK_LABEL (value);
      self->card[i].counts = GTK_LABEL (counts);
      self->card[i].formula = GTK_LABEL (formula);
    }
}

static void
fill_category_filter (EvgRatesView *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const EvgColumnSpec *column = category_column ();

  gtk_string_list_append (labels, _("All Categories"));
  for (guint i = 0; i < column->n_choices; i++)
    gtk_string_list_append (labels, _(column->choices[i].label));
  gtk_drop_down_set_model (self->category_filter, G_LIST_MODEL (labels));
  evg_drop_down_set_accessible_name (self->category_filter, _("Category filter"));
}

static void
evg_rates_view_dispose (GObject *object)
{
  EvgRatesView *self = EVG_RATES_VIEW (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_RATES_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->context);
  g_clear_pointer (&self->month, g_free);
  G_OBJECT_CLASS (evg_rates_view_parent_class)->dispose (object);
}

static void
evg_rates_view_class_init (EvgRatesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_rates_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-rates-view.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, error_label);
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, month_label);
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, category_filter);
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, spinner);
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, cards);
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, chart);
  gtk_widget_class_bind_template_child (widget_class, EvgRatesView, category_grid);

  gtk_widget_class_install_action (widget_class, "rates.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "rates.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "rates.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "rates.dismiss-error", NULL, dismiss_error_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
evg_rates_view_init (EvgRatesView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_type_ensure (EVG_TYPE_RATES_CHART);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->month = g_date_time_format (now, "%Y-%m");
  self->stale = TRUE;
  build_cards (self);
  build_category_grid (self);
  fill_category_filter (self);
  update_month_label (self);
  g_signal_connect_swapped (self->category_filter, "notify::selected", G_CALLBACK (evg_rates_view_load), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

void
evg_rates_view_set_context (EvgRatesView *self,
                            EvgContext   *context)
{
  g_return_if_fail (EVG_IS_RATES_VIEW (self));

  if (self->context == context)
    return;
  g_return_if_fail (self->context == NULL);
  self->context = g_object_ref (context);
  g_signal_connect_object (evg_context_get_store (context), "changed", G_CALLBACK (on_store_changed), self,
                           G_CONNECT_SWAPPED);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    evg_rates_view_load (self);
}

/**
 * evg_rates_view_set_month:
 * @month: "YYYY-MM"
 *
 * Shows @month's rates, and the chart of the twelve months up to it.
 */
void
evg_rates_view_set_month (EvgRatesView *self,
                          const char   *month)
{
  g_autofree char *checked = NULL;

  g_return_if_fail (EVG_IS_RATES_VIEW (self));

  checked = evg_rates_dup_month_after (month, 0);
  g_return_if_fail (checked != NULL);
  if (g_strcmp0 (self->month, checked) == 0)
    return;
  g_free (self->month);
  self->month = g_steal_pointer (&checked);
  update_month_label (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    evg_rates_view_load (self);
  else
    self->stale = TRUE;
}

const char *
evg_rates_view_get_month (EvgRatesView *self)
{
  g_return_val_if_fail (EVG_IS_RATES_VIEW (self), NULL);
  return self->month;
}

/* Chooses the category the cards and the chart are of; NULL for all. */
void
evg_rates_view_set_category (EvgRatesView *self,
                             const char   *category)
{
  const EvgColumnSpec *column = category_column ();
  guint selected = 0;

  g_return_if_fail (EVG_IS_RATES_VIEW (self));

  for (guint i = 0; category != NULL && i < column->n_choices; i++)
    if (g_str_equal (column->choices[i].code, category))
      selected = i + 1;
  gtk_drop_down_set_selected (self->category_filter, selected);
}

gboolean
evg_rates_view_get_loading (EvgRatesView *self)
{
  g_return_val_if_fail (EVG_IS_RATES_VIEW (self), FALSE);
  return self->pending > 0;
}

const char *
evg_rates_view_get_rate_text (EvgRatesView *self,
                              EvgRate       rate)
{
  g_return_val_if_fail (EVG_IS_RATES_VIEW (self), NULL);
  g_return_val_if_fail (rate < N_RATES, NULL);
  return gtk_label_get_text (self->card[rate].value);
}

const char *
evg_rates_view_get_formula (EvgRatesView *self,
                            EvgRate       rate)
{
  g_return_val_if_fail (EVG_IS_RATES_VIEW (self), NULL);
  g_return_val_if_fail (rate < N_RATES, NULL);
  return gtk_label_get_text (self->card[rate].formula);
}

const char *
evg_rates_view_get_error (EvgRatesView *self)
{
  g_return_val_if_fail (EVG_IS_RATES_VIEW (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->error_revealer))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

EvgRatesChart *
evg_rates_view_get_chart (EvgRatesView *self)
{
  g_return_val_if_fail (EVG_IS_RATES_VIEW (self), NULL);
  return self->chart;
}
