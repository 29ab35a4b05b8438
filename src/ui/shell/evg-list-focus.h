/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A holder for a list (a GtkColumnView or GtkListView in its scrolled
 * window, a sidebar's list box) that makes Tab and Shift+Tab leave the
 * list in one step instead of walking every row, so that tabbing through
 * the sidebar switches no page on its way; the arrows move within it.
 * Tabbing back into a list view lands on its selected row. */

#define EVG_TYPE_LIST_FOCUS (evg_list_focus_get_type ())
G_DECLARE_FINAL_TYPE (EvgListFocus, evg_list_focus, EVG, LIST_FOCUS, GtkWidget)

GtkWidget *evg_list_focus_get_child (EvgListFocus *self);
void       evg_list_focus_set_child (EvgListFocus *self,
                                     GtkWidget    *child);

G_END_DECLS
