/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "evg-pages.h"

G_BEGIN_DECLS

GtkPrintOperation *evg_print_operation_new (EvgPages           *pages);
void               evg_print_run           (GtkWindow          *parent,
                                            EvgPages           *pages,
                                            const char         *failure_heading);
void               evg_print_show_error    (GtkWindow          *parent,
                                            const char         *heading,
                                            const GError       *error);

G_END_DECLS
