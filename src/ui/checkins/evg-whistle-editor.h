/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-checkins.h"

G_BEGIN_DECLS

#define EVG_TYPE_WHISTLE_EDITOR (evg_whistle_editor_get_type ())
G_DECLARE_FINAL_TYPE (EvgWhistleEditor, evg_whistle_editor, EVG, WHISTLE_EDITOR, AdwWindow)

EvgWhistleEditor *evg_whistle_editor_new      (EvgCheckins      *checkins,
                                               EvgRecord        *whistle);
void              evg_whistle_editor_set_text (EvgWhistleEditor *self,
                                               EvgWhistleField   field,
                                               const char       *text);
gboolean          evg_whistle_editor_save     (EvgWhistleEditor *self);

G_END_DECLS
