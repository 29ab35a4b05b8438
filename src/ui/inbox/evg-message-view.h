/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"

G_BEGIN_DECLS

#define EVG_TYPE_MESSAGE_VIEW (evg_message_view_get_type ())
G_DECLARE_FINAL_TYPE (EvgMessageView, evg_message_view, EVG, MESSAGE_VIEW, GtkWidget)

void         evg_message_view_set_context      (EvgMessageView *self,
                                                EvgContext     *context);
void         evg_message_view_set_message      (EvgMessageView *self,
                                                const char     *id);
const char  *evg_message_view_get_message      (EvgMessageView *self);
void         evg_message_view_set_back_visible (EvgMessageView *self,
                                                gboolean        visible);
void         evg_message_view_reload           (EvgMessageView *self);

/* For tests: what the view shows. */
const char  *evg_message_view_get_error        (EvgMessageView *self);
GtkTextView *evg_message_view_get_reply_view   (EvgMessageView *self);
GtkTextView *evg_message_view_get_note_view    (EvgMessageView *self);
char        *evg_message_view_dup_timeline     (EvgMessageView *self);
char        *evg_message_view_dup_contact_text (EvgMessageView *self);
guint        evg_message_view_get_n_duplicates (EvgMessageView *self);
gboolean     evg_message_view_merge_duplicate  (EvgMessageView *self,
                                                guint           index);

G_END_DECLS
