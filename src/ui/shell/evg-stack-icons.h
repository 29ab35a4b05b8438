/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void evg_stack_defer_status_icons (GtkStack *stack);

G_END_DECLS
