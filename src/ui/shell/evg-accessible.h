/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void evg_drop_down_set_accessible_name (GtkDropDown *dropdown,
                                        const char  *name);

G_END_DECLS
