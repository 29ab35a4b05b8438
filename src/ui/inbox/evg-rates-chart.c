/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-rates-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>

#include "evg-rates-chart.h"

/* The inbox's three rates (响应率, 解决率, 满意率) month by month, as lines
 * over a grid from 0 to 100 %.  The colours are the style's own accent,
 * success and warning colours, which libadwaita lightens in the dark
 * style, and each line has its own dash and marker as well, so that the
 * lines are told apart without colour.  A screen reader reads the same
 * figures from the accessible description. */

static const struct
{
  const char *color;      /* a named colour of the style */
  const char *fallback;   /* for a style that does not define it */
  double      dash;       /* 0 for a solid line */
  const char *label;
} series[3] = {
  { "accent_color", "#1c71d8", 0, N_("Response rate") },
  { "success_color", "#26a269", 7, N_("Resolution rate") },
  { "warning_color", "#9c6e03", 2, N_("Satisfaction rate") },
};

#define N_SERIES G_N_ELEMENTS (series)
#define PAD 8.0

struct _EvgRatesChart
{
  GtkWidget parent_instance;

  /* Owned */
  char             *first_month;
  EvgFeedbackRates *rates;
  guint             n_months;
  char             *description;
};

G_DEFINE_FINAL_TYPE (EvgRatesChart, evg_rates_chart, GTK_TYPE_WIDGET)

static double
get_rate (const EvgFeedbackRates *rates,
          guint                   which)
{
  switch (which)
    {
    case 0:
      return rates->response_rate;
    case 1:
      return rates->resolution_rate;
    default:
      return rates->satisfaction_rate;
    }
}

/**
 * evg_rates_format_percent:
 *
 * Returns: (transfer full): @rate (0 to 1) as "92.5%", "100%", or "—"
 *   when there was nothing to rate (a negative rate)
 */
char *
evg_rates_format_percent (double rate)
{
  double percent;

  if (rate < 0)
    return g_strdup ("—");
  percent = rate * 100.0;
  if (fabs (percent - round (percent)) < 0.05)
    return g_strdup_printf ("%.0f%%", round (percent));
  return g_strdup_printf ("%.1f%%", percent);
}

/**
 * evg_rates_dup_month_after:
 * @month: "YYYY-MM"
 *
 * Returns: (transfer full) (nullable): the month @n_months after @month
 *   (before it when negative), or %NULL when @month is not a month
 */
char *
evg_rates_dup_month_after (const char *month,
                           int         n_months)
{
  int year, mon, index;

  if (month == NULL || sscanf (month, "%4d-%2d", &year, &mon) != 2 || mon < 1 || mon > 12)
    return NULL;
  index = year * 12 + (mon - 1) + n_months;
  if (index < 0)
    return NULL;
  return g_strdup_printf ("%04d-%02d", index / 12, index % 12 + 1);
}

/* The month under its slot: its short name, with the year under the
 * first month and under each January. */
static char *
dup_month_label (const char *month,
                 gboolean    first)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *name = NULL;
  int year, mon;

  if (sscanf (month, "%4d-%2d", &year, &mon) != 2)
    return g_strdup (month);
  date = g_date_time_new_local (year, mon, 1, 0, 0, 0);
  if (date == NULL)
    return g_strdup (month);
  name = g_strstrip (g_date_time_format (date, "%b"));
  if (first || mon == 1)
    return g_strdup_printf ("%s\n%d", name, year);
  return g_steal_pointer (&name);
}

static void
update_description (EvgRatesChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->n_months; i++)
    {
      g_autofree char *month = evg_rates_dup_month_after (self->first_month, (int) i);
      const EvgFeedbackRates *rates = &self->rates[i];

      if (text->len > 0)
        g_string_append (text, "; ");
      if (rates->response_rate < 0 && rates->resolution_rate < 0 && rates->satisfaction_rate < 0)
        {
          g_string_append_printf (text, _("%s: nothing to rate"), month);
          continue;
        }
      {
        g_autofree char *response = evg_rates_format_percent (rates->response_rate);
        g_autofree char *resolution = evg_rates_format_percent (rates->resolution_rate);
        g_autofree char *satisfaction = evg_rates_format_percent (rates->satisfaction_rate);

        g_string_append_printf (text, _("%s: response rate %s, resolution rate %s, satisfaction rate %s"),
                                month, response, resolution, satisfaction);
      }
    }
  if (text->len == 0)
    g_string_append (text, _("No months to show"));
  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
}

/* Drawing */

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* A filled marker of shape @which: circle, square or diamond, ringed in
 * the background colour so that it stands out where lines cross. */
static void
draw_marker (cairo_t       *cr,
             guint          which,
             double         x,
             double         y,
             const GdkRGBA *color,
             const GdkRGBA *background)
{
  const double r = 4.0;

  cairo_new_path (cr);
  switch (which)
    {
    case 0:
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    case 1:
      cairo_rectangle (cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      break;
    default:
      cairo_move_to (cr, x, y - r * 1.25);
      cairo_line_to (cr, x + r * 1.25, y);
      cairo_line_to (cr, x, y + r * 1.25);
      cairo_line_to (cr, x - r * 1.25, y);
      cairo_close_path (cr);
      break;
    }
  set_source (cr, color, 1.0);
  cairo_fill_preserve (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, 1.5);
  set_source (cr, background, 1.0);
  cairo_stroke (cr);
}

static void
set_dash (cairo_t *cr,
          guint    which)
{
  double dash[2] = { series[which].dash, series[which].dash * 0.7 + 2 };

  if (series[which].dash > 0)
    cairo_set_dash (cr, dash, 2, 0);
  else
    cairo_set_dash (cr, NULL, 0, 0);
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

typedef struct
{
  double left, right, top, bottom;   /* the plot's area */
} Area;

/* The legend along the top; returns its height. */
static double
draw_legend (EvgRatesChart *self,
             cairo_t       *cr,
             double         x,
             const GdkRGBA *fg,
             const GdkRGBA *colors,
             const GdkRGBA *background)
{
  double height = 0;

  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), _(series[i].label));
      int w, h;
      double mid;

      pango_layout_get_pixel_size (layout, &w, &h);
      mid = PAD + h / 2.0;
      set_source (cr, &colors[i], 1.0);
      cairo_set_line_width (cr, 2.5);
      set_dash (cr, i);
      cairo_move_to (cr, x, mid);
      cairo_line_to (cr, x + 28, mid);
      cairo_stroke (cr);
      draw_marker (cr, i, x + 14, mid, &colors[i], background);
      set_source (cr, fg, 1.0);
      show_text (cr, layout, x + 34, PAD);
      x += 34 + w + 20;
      height = MAX (height, h);
    }
  return height;
}

static void
draw_grid (EvgRatesChart *self,
           cairo_t       *cr,
           const Area    *area,
           const GdkRGBA *fg)
{
  for (int v = 0; v <= 100; v += 25)
    {
      double y = round (area->bottom - (area->bottom - area->top) * v / 100.0) + 0.5;
      g_autofree char *text = g_strdup_printf ("%d%%", v);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      int w, h;

      cairo_set_dash (cr, NULL, 0, 0);
      cairo_set_line_width (cr, 1);
      set_source (cr, fg, v == 0 ? 0.45 : 0.15);
      cairo_move_to (cr, area->left, y);
      cairo_line_to (cr, area->right, y);
      cairo_stroke (cr);
      pango_layout_get_pixel_size (layout, &w, &h);
      set_source (cr, fg, 0.7);
      show_text (cr, layout, area->left - 6 - w, y - h / 2.0);
    }
}

static void
draw_months (EvgRatesChart *self,
             cairo_t       *cr,
             const Area    *area,
             const GdkRGBA *fg)
{
  double slot = (area->right - area->left) / self->n_months;
  guint step = 1;
  int widest = 0;

  /* Every other label when the slots are too narrow for them. */
  for (guint i = 0; i < self->n_months; i++)
    {
      g_autofree char *month = evg_rates_dup_month_after (self->first_month, (int) i);
      g_autofree char *label = dup_month_label (month, i == 0);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), label);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      widest = MAX (widest, w);
    }
  while (widest + 4 > slot * step && step < self->n_months)
    step++;

  for (guint i = 0; i < self->n_months; i += step)
    {
      g_autofree char *month = evg_rates_dup_month_after (self->first_month, (int) i);
      g_autofree char *label = dup_month_label (month, i == 0);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), label);
      int w, h;

      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &w, &h);
      set_source (cr, fg, 0.7);
      show_text (cr, layout, area->left + slot * (i + 0.5) - w / 2.0, area->bottom + 4);
    }
}

static double
point_y (const Area *area,
         double      rate)
{
  return area->bottom - (area->bottom - area->top) * CLAMP (rate, 0.0, 1.0);
}

static void
draw_series (EvgRatesChart *self,
             cairo_t       *cr,
             const Area    *area,
             guint          which,
             const GdkRGBA *color,
             const GdkRGBA *background)
{
  double slot = (area->right - area->left) / self->n_months;
  gboolean drawing = FALSE;

  /* A month with nothing to rate breaks the line. */
  cairo_new_path (cr);
  for (guint i = 0; i < self->n_months; i++)
    {
      double rate = get_rate (&self->rates[i], which);
      double x = area->left + slot * (i + 0.5);

      if (rate < 0)
        {
          drawing = FALSE;
          continue;
        }
      if (drawing)
        cairo_line_to (cr, x, point_y (area, rate));
      else
        cairo_move_to (cr, x, point_y (area, rate));
      drawing = TRUE;
    }
  set_source (cr, color, 1.0);
  cairo_set_line_width (cr, 2.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  set_dash (cr, which);
  cairo_stroke (cr);

  for (guint i = 0; i < self->n_months; i++)
    {
      double rate = get_rate (&self->rates[i], which);

      if (rate >= 0)
        draw_marker (cr, which, area->left + slot * (i + 0.5), point_y (area, rate), color, background);
    }
}

static gboolean
has_figures (EvgRatesChart *self)
{
  for (guint i = 0; i < self->n_months; i++)
    for (guint s = 0; s < N_SERIES; s++)
      if (get_rate (&self->rates[i], s) >= 0)
        return TRUE;
  return FALSE;
}

/* Where the plot goes, leaving room for the legend, the percentages and
 * the months. */
static void
compute_area (EvgRatesChart *self,
              double         legend_height,
              Area          *area)
{
  g_autoptr(PangoLayout) percent = gtk_widget_create_pango_layout (GTK_WIDGET (self), "100%");
  g_autoptr(PangoLayout) month = gtk_widget_create_pango_layout (GTK_WIDGET (self), "M\n2000");
  int pw, ph, mw, mh;

  pango_layout_get_pixel_size (percent, &pw, &ph);
  pango_layout_get_pixel_size (month, &mw, &mh);
  area->left = PAD + pw + 6;
  area->right = gtk_widget_get_width (GTK_WIDGET (self)) - PAD - 4;
  area->top = PAD + legend_height + 12 + ph / 2.0;
  area->bottom = gtk_widget_get_height (GTK_WIDGET (self)) - PAD - mh - 4;
}

static void
evg_rates_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  EvgRatesChart *self = EVG_RATES_CHART (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg, background, colors[N_SERIES];
  double legend_height;
  cairo_t *cr;
  Area area;

  if (width <= 0 || height <= 0)
    return;
  gtk_style_context_get_color (style, &fg);
  /* The chart sits on a card: its markers are ringed in the card's colour. */
  if (!gtk_style_context_lookup_color (style, "card_bg_color", &background) &&
      !gtk_style_context_lookup_color (style, "view_bg_color", &background) &&
      !gtk_style_context_lookup_color (style, "window_bg_color", &background))
    gdk_rgba_parse (&background, "#ffffff");
  for (guint i = 0; i < N_SERIES; i++)
    if (!gtk_style_context_lookup_color (style, series[i].color, &colors[i]))
      gdk_rgba_parse (&colors[i], series[i].fallback);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  legend_height = draw_legend (self, cr, PAD, &fg, colors, &background);
  compute_area (self, legend_height, &area);
  if (area.right - area.left < 40 || area.bottom - area.top < 40 || self->n_months == 0)
    {
      cairo_destroy (cr);
      return;
    }

  /* The last month, the one chosen above the chart, stands out. */
  {
    double slot = (area.right - area.left) / self->n_months;

    set_source (cr, &fg, 0.06);
    cairo_rectangle (cr, area.right - slot, area.top - 6, slot, area.bottom - area.top + 6);
    cairo_fill (cr);
  }
  draw_grid (self, cr, &area, &fg);
  draw_months (self, cr, &area, &fg);
  if (has_figures (self))
    {
      for (guint i = 0; i < N_SERIES; i++)
        draw_series (self, cr, &area, i, &colors[i], &background);
    }
  else
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("No messages to rate in these months"));
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      set_source (cr, &fg, 0.6);
      show_text (cr, layout, (area.left + area.right - w) / 2, (area.top + area.bottom - h) / 2);
    }
  cairo_destroy (cr);
}

static void
evg_rates_chart_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 320;
      *natural = 720;
    }
  else
    {
      *minimum = 220;
      *natural = 280;
    }
}

/* The month under the pointer, in figures. */
static gboolean
evg_rates_chart_query_tooltip (GtkWidget  *widget,
                               int         x,
                               int         y,
                               gboolean    keyboard,
                               GtkTooltip *tooltip)
{
  EvgRatesChart *self = EVG_RATES_CHART (widget);
  g_autofree char *month = NULL;
  g_autofree char *response = NULL;
  g_autofree char *resolution = NULL;
  g_autofree char *satisfaction = NULL;
  g_autofree char *text = NULL;
  Area area;
  int slot;

  if (self->n_months == 0 || keyboard)
    return FALSE;
  compute_area (self, 0, &area);
  if (x < area.left || x >= area.right)
    return FALSE;
  slot = (int) ((x - area.left) / ((area.right - area.left) / self->n_months));
  if (slot < 0 || (guint) slot >= self->n_months)
    return FALSE;
  month = evg_rates_dup_month_after (self->first_month, slot);
  response = evg_rates_format_percent (self->rates[slot].response_rate);
  resolution = evg_rates_format_percent (self->rates[slot].resolution_rate);
  satisfaction = evg_rates_format_percent (self->rates[slot].satisfaction_rate);
  text = g_strdup_printf (_("%s\nReceived: %u\nResponse rate: %s\nResolution rate: %s\nSatisfaction rate: %s"),
                          month, self->rates[slot].received, response, resolution, satisfaction);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The colours are read as the chart is drawn: a change of style (to the
 * dark one, say) only needs drawing again. */
static void
evg_rates_chart_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (evg_rates_chart_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
evg_rates_chart_finalize (GObject *object)
{
  EvgRatesChart *self = EVG_RATES_CHART (object);

  g_free (self->first_month);
  g_free (self->rates);
  g_free (self->description);
  G_OBJECT_CLASS (evg_rates_chart_parent_class)->finalize (object);
}

static void
evg_rates_chart_class_init (EvgRatesChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = evg_rates_chart_finalize;
  widget_class->snapshot = evg_rates_chart_snapshot;
  widget_class->measure = evg_rates_chart_measure;
  widget_class->query_tooltip = evg_rates_chart_query_tooltip;
  widget_class->css_changed = evg_rates_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "evg-rates-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
evg_rates_chart_init (EvgRatesChart *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The three rates month by month"), -1);
  update_description (self);
}

GtkWidget *
evg_rates_chart_new (void)
{
  return g_object_new (EVG_TYPE_RATES_CHART, NULL);
}

/**
 * evg_rates_chart_set_rates:
 * @first_month: "YYYY-MM", the month of @rates[0]
 * @rates: (array length=n_months): one month's rates each
 *
 * Shows @n_months months of rates, the last of them marked.
 */
void
evg_rates_chart_set_rates (EvgRatesChart          *self,
                           const char             *first_month,
                           const EvgFeedbackRates *rates,
                           guint                   n_months)
{
  g_return_if_fail (EVG_IS_RATES_CHART (self));
  g_return_if_fail (n_months == 0 || (rates != NULL && first_month != NULL));

  g_free (self->first_month);
  self->first_month = g_strdup (first_month);
  g_free (self->rates);
  self->rates = n_months > 0 ? g_memdup2 (rates, sizeof *rates * n_months) : NULL;
  self->n_months = n_months;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
evg_rates_chart_get_n_months (EvgRatesChart *self)
{
  g_return_val_if_fail (EVG_IS_RATES_CHART (self), 0);
  return self->n_months;
}

/* What a screen reader reads of the chart: each month's figures. */
const char *
evg_rates_chart_get_description (EvgRatesChart *self)
{
  g_return_val_if_fail (EVG_IS_RATES_CHART (self), NULL);
  return self->description;
}
