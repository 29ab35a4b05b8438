/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define EVG_TYPE_CELL_TEXT (evg_cell_text_get_type ())
G_DECLARE_FINAL_TYPE (EvgCellText, evg_cell_text, EVG, CELL_TEXT, GtkWidget)

GtkWidget  *evg_cell_text_new      (guint        chars);
void        evg_cell_text_set_text (EvgCellText *self,
                                    const char  *text);
const char *evg_cell_text_get_text (EvgCellText *self);

G_END_DECLS
