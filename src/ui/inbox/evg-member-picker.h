/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-roster.h"

G_BEGIN_DECLS

#define EVG_TYPE_MEMBER_PICKER (evg_member_picker_get_type ())
G_DECLARE_FINAL_TYPE (EvgMemberPicker, evg_member_picker, EVG, MEMBER_PICKER, AdwWindow)

EvgMemberPicker *evg_member_picker_new           (EvgRoster       *roster);
void             evg_member_picker_search        (EvgMemberPicker *self,
                                                  const char      *text);
guint            evg_member_picker_get_n_matches (EvgMemberPicker *self);
gboolean         evg_member_picker_pick          (EvgMemberPicker *self,
                                                  guint            index);

G_END_DECLS
