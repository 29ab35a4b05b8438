/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

G_BEGIN_DECLS

/* Text on paper, for every printed document (see evg-pages.h): laid out
 * in points, in the fonts that have Chinese. */

/* ISO A4 in points, which the PDFs use and the print dialog proposes. */
#define EVG_PAPER_A4_WIDTH  595.276
#define EVG_PAPER_A4_HEIGHT 841.890

PangoContext *evg_paper_context_new (void);
PangoLayout  *evg_paper_layout_new  (PangoContext *context,
                                     double        size,
                                     PangoWeight   weight);
double        evg_paper_layout_get_width  (PangoLayout *layout);
double        evg_paper_layout_get_height (PangoLayout *layout);

gboolean      evg_paper_draw_qr_code (cairo_t     *cr,
                                      const char  *text,
                                      double       x,
                                      double       y,
                                      double       size);

G_END_DECLS
