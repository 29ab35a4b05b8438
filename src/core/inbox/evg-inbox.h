/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-feedback.h"
#include "evg-store.h"

G_BEGIN_DECLS

/* The residents' messages (留言板): the service of the inbox page and the
 * `feedback` commands.  It keeps the messages in a list model, newest
 * first, and records what is done with each as events, moving the
 * message's status forward as the 接诉即办 rules of DOMAIN.md say. */

#define EVG_INBOX_ERROR (evg_inbox_error_quark ())

typedef enum
{
  EVG_INBOX_ERROR_INVALID,     /* the message or event breaks a rule; see the message */
  EVG_INBOX_ERROR_NOT_FOUND,
  EVG_INBOX_ERROR_STEP,        /* not a step the message can take now */
} EvgInboxError;

#define EVG_TYPE_INBOX (evg_inbox_get_type ())
G_DECLARE_FINAL_TYPE (EvgInbox, evg_inbox, EVG, INBOX, GObject)

GQuark      evg_inbox_error_quark   (void);
EvgInbox   *evg_inbox_new           (EvgStore    *store,
                                     GError     **error);
void        evg_inbox_set_due_hours (EvgInbox    *self,
                                     guint        respond_hours,
                                     guint        resolve_hours);
GListModel *evg_inbox_get_messages  (EvgInbox    *self);
EvgRecord  *evg_inbox_lookup        (EvgInbox    *self,
                                     const char  *id);
char       *evg_inbox_add           (EvgInbox    *self,
                                     EvgRecord   *message,
                                     GError     **error);
char       *evg_inbox_add_event     (EvgInbox    *self,
                                     const char  *message_id,
                                     EvgRecord   *event,
                                     GError     **error);
GPtrArray  *evg_inbox_list_events   (EvgInbox    *self,
                                     const char  *message_id,
                                     GError     **error);

G_END_DECLS
