/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-cell-text"

#include "config.h"

#include <pango/pangocairo.h>

#include "evg-cell-text.h"

/* One line of text in a list cell, for the roster's column view.  GTK 4.8's
 * column view keeps about 200 rows of cells alive whatever the window's
 * height, so with seven columns a cell is made 1,400 times before the first
 * frame, and most are never drawn.  A label or an inscription makes a Pango
 * layout for each at once; this widget makes one only while drawing, and
 * takes its size from its width in characters, so that neither measuring
 * nor binding ever lays text out.  The characters' size is read from the
 * font once for all cells rather than once per cell. */
struct _EvgCellText
{
  GtkWidget  parent_instance;

  char      *text;
  guint      chars;
};

G_DEFINE_FINAL_TYPE (EvgCellText, evg_cell_text, GTK_TYPE_WIDGET)

/* The size of a character and of a line in the font the cells were last
 * measured with.  Widgets live on the main thread, and so does this. */
static struct
{
  PangoFontDescription *font;
  double                resolution;
  int                   char_width;
  int                   line_height;
} metrics;

static void
update_metrics (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);
  PangoFontMetrics *m;
  int height;

  if (metrics.font != NULL && resolution == metrics.resolution &&
      pango_font_description_equal (font, metrics.font))
    return;

  m = pango_context_get_metrics (context, NULL, NULL);
  height = pango_font_metrics_get_height (m);
  /* Some fonts do not say how far apart their lines are. */
  if (height <= 0)
    height = pango_font_metrics_get_ascent (m) + pango_font_metrics_get_descent (m);
  metrics.char_width = PANGO_PIXELS_CEIL (pango_font_metrics_get_approximate_char_width (m));
  metrics.line_height = PANGO_PIXELS_CEIL (height);
  pango_font_metrics_unref (m);

  g_clear_pointer (&metrics.font, pango_font_description_free);
  metrics.font = pango_font_description_copy (font);
  metrics.resolution = resolution;
}

static void
evg_cell_text_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  EvgCellText *self = EVG_CELL_TEXT (widget);

  update_metrics (widget);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = (int) self->chars * metrics.char_width;
  else
    *minimum = *natural = metrics.line_height;
}

static void
evg_cell_text_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  EvgCellText *self = EVG_CELL_TEXT (widget);
  int width = gtk_widget_get_width (widget);
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;
  GdkRGBA color;

  if (self->text == NULL || self->text[0] == '\0' || width <= 0)
    return;

  layout = gtk_widget_create_pango_layout (widget, self->text);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_extents (layout, NULL, &logical);

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, &color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
#endif

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (0, (gtk_widget_get_height (widget) - logical.height) / 2.f));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
evg_cell_text_finalize (GObject *object)
{
  EvgCellText *self = EVG_CELL_TEXT (object);

  g_free (self->text);
  G_OBJECT_CLASS (evg_cell_text_parent_class)->finalize (object);
}

static void
evg_cell_text_class_init (EvgCellTextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = evg_cell_text_finalize;
  widget_class->measure = evg_cell_text_measure;
  widget_class->snapshot = evg_cell_text_snapshot;

  /* Styled as the label it stands in for, and read out as one. */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
evg_cell_text_init (EvgCellText *self)
{
}

/**
 * evg_cell_text_new:
 * @chars: the cell's width, in average characters (a hanzi is two)
 */
GtkWidget *
evg_cell_text_new (guint chars)
{
  EvgCellText *self = g_object_new (EVG_TYPE_CELL_TEXT, NULL);

  self->chars = chars;
  return GTK_WIDGET (self);
}

/**
 * evg_cell_text_set_text:
 * @text: (nullable): the text; %NULL shows nothing
 *
 * Shows @text on one line, ending in an ellipsis where it does not fit.
 */
void
evg_cell_text_set_text (EvgCellText *self,
                        const char  *text)
{
  g_return_if_fail (EVG_IS_CELL_TEXT (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text != NULL ? text : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
evg_cell_text_get_text (EvgCellText *self)
{
  g_return_val_if_fail (EVG_IS_CELL_TEXT (self), NULL);
  return self->text;
}
