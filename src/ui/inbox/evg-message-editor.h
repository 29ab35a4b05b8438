/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-inbox.h"

G_BEGIN_DECLS

#define EVG_TYPE_MESSAGE_EDITOR (evg_message_editor_get_type ())
G_DECLARE_FINAL_TYPE (EvgMessageEditor, evg_message_editor, EVG, MESSAGE_EDITOR, AdwWindow)

EvgMessageEditor *evg_message_editor_new          (EvgInbox         *inbox);
void              evg_message_editor_set_text     (EvgMessageEditor *self,
                                                   EvgFeedbackField  field,
                                                   const char       *text);
gboolean          evg_message_editor_save         (EvgMessageEditor *self);
const char       *evg_message_editor_get_problems (EvgMessageEditor *self);

G_END_DECLS
