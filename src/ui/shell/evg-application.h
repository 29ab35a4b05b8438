/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"

G_BEGIN_DECLS

#define EVG_TYPE_APPLICATION (evg_application_get_type ())

G_DECLARE_FINAL_TYPE (EvgApplication, evg_application, EVG, APPLICATION, AdwApplication)

EvgApplication *evg_application_new          (void);
EvgContext     *evg_application_get_context  (EvgApplication *self);

G_END_DECLS
