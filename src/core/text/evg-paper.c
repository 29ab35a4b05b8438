/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-paper"

#include "config.h"

#include <pango/pangocairo.h>

#include "evg-paper.h"

/* The fonts a printed page asks for, first the one Debian's fonts-noto-cjk
 * installs; Pango falls back along the list for what a font lacks. */
#define FONT_FAMILIES "Noto Sans CJK SC,WenQuanYi Micro Hei,sans"

/**
 * evg_paper_context_new:
 *
 * A context that lays text out at 72 units to the inch, so that a unit is
 * a point on any surface, with metrics neither hinted nor rounded: pages
 * break in the same places on the printer as in the PDF.  Its fonts come
 * from a font map of its own, which goes with the context (the thread's
 * default map keeps what it loaded, and under valgrind Pango 1.50's caches
 * of it show as lost), and which a worker thread could use.
 *
 * Returns: (transfer full): the context
 */
PangoContext *
evg_paper_context_new (void)
{
  PangoFontMap *font_map = pango_cairo_font_map_new ();
  PangoContext *context = pango_font_map_create_context (font_map);
  cairo_font_options_t *options = cairo_font_options_create ();

  g_object_unref (font_map);
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (context, FALSE);
  pango_context_set_language (context, pango_language_from_string ("zh-cn"));
  return context;
}

/**
 * evg_paper_layout_new:
 * @context: from evg_paper_context_new()
 * @size: the font's size in points
 *
 * Returns: (transfer full): an empty layout in the printed pages' fonts
 */
PangoLayout *
evg_paper_layout_new (PangoContext *context,
                      double        size,
                      PangoWeight   weight)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family_static (font, FONT_FAMILIES);
  pango_font_description_set_weight (font, weight);
  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

/* The width of @layout's logical extents from its origin, in points. */
double
evg_paper_layout_get_width (PangoLayout *layout)
{
  PangoRectangle logical;

  g_return_val_if_fail (PANGO_IS_LAYOUT (layout), 0);
  pango_layout_get_extents (layout, NULL, &logical);
  return pango_units_to_double (logical.x + logical.width);
}

/* The height of @layout's logical extents, in points. */
double
evg_paper_layout_get_height (PangoLayout *layout)
{
  PangoRectangle logical;

  g_return_val_if_fail (PANGO_IS_LAYOUT (layout), 0);
  pango_layout_get_extents (layout, NULL, &logical);
  return pango_units_to_double (logical.height);
}
