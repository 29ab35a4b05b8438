/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-roster.h"

G_BEGIN_DECLS

#define EVG_TYPE_MEMBER_EDITOR (evg_member_editor_get_type ())

G_DECLARE_FINAL_TYPE (EvgMemberEditor, evg_member_editor, EVG, MEMBER_EDITOR, AdwWindow)

EvgMemberEditor *evg_member_editor_new        (EvgRoster       *roster,
                                               EvgMember       *member);
void             evg_member_editor_set_text   (EvgMemberEditor *self,
                                               EvgMemberField   field,
                                               const char      *text);
gboolean         evg_member_editor_can_save   (EvgMemberEditor *self);
gboolean         evg_member_editor_save       (EvgMemberEditor *self);
char            *evg_member_editor_dup_problems (EvgMemberEditor *self);

G_END_DECLS
