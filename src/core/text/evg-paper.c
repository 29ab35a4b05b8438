/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-paper"

#include "config.h"

#include <pango/pangocairo.h>

#include <qrencode.h>

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

/* Quiet zone around a code, in modules, as ISO/IEC 18004 asks. */
#define QR_QUIET_ZONE 4

/* The dark modules of @code as one path of horizontal runs, filled at
 * once: rectangles side by side in one fill leave no hairline seams where
 * a renderer smooths their edges. */
static void
fill_modules (cairo_t      *cr,
              const QRcode *code,
              double        x,
              double        y,
              double        module)
{
  int width = code->width;

  for (int row = 0; row < width; row++)
    {
      const unsigned char *modules = code->data + (gsize) row * width;
      int column = 0;

      while (column < width)
        {
          int start;

          if ((modules[column] & 1) == 0)
            {
              column++;
              continue;
            }
          start = column;
          while (column < width && (modules[column] & 1) != 0)
            column++;
          cairo_rectangle (cr, x + start * module, y + row * module, (column - start) * module, module);
        }
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_fill (cr);
}

/**
 * evg_paper_draw_qr_code:
 * @text: what the code holds, exactly (8-bit mode)
 * @size: the side of the square the code takes with its quiet zone
 *
 * Draws a QR code of level M (15% of it may be damaged), in the smallest
 * version that holds @text, as filled rectangles so that it stays sharp at
 * any size.
 *
 * Returns: %FALSE when no code could be made (want of memory, or a text
 *   too long for any version), with errno set
 */
gboolean
evg_paper_draw_qr_code (cairo_t    *cr,
                        const char *text,
                        double      x,
                        double      y,
                        double      size)
{
  g_autoptr(QRcode) code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  double module;

  if (code == NULL)
    return FALSE;
  module = size / (code->width + 2 * QR_QUIET_ZONE);
  fill_modules (cr, code, x + QR_QUIET_ZONE * module, y + QR_QUIET_ZONE * module, module);
  return TRUE;
}
