/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"

G_BEGIN_DECLS

#define EVG_TYPE_PLANS_WINDOW (evg_plans_window_get_type ())

G_DECLARE_FINAL_TYPE (EvgPlansWindow, evg_plans_window, EVG, PLANS_WINDOW, AdwWindow)

EvgPlansWindow *evg_plans_window_new (EvgContext     *context);
gboolean        evg_plans_window_add (EvgPlansWindow *self);

G_END_DECLS
