/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void     evg_discard_dialog_ask       (GtkWindow  *editor,
                                       const char *heading,
                                       const char *body);
gboolean evg_discard_dialog_confirmed (GtkWindow  *editor);

G_END_DECLS
