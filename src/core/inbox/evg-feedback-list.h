/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-inbox.h"

G_BEGIN_DECLS

/* The inbox's messages as a list model of EvgRecord (evg_feedback_table),
 * newest first, narrowed by status, overdue and search text.  It keeps
 * only positions; a row's record is read when a view asks for it, so a
 * million messages open as fast as a list of as many strings.  Do not
 * wrap it in a sort or filter model: narrow it with its own setters. */

/* A search shows at most this many messages, the most recent. */
#define EVG_FEEDBACK_LIST_SEARCH_LIMIT 2000

#define EVG_TYPE_FEEDBACK_LIST (evg_feedback_list_get_type ())
G_DECLARE_FINAL_TYPE (EvgFeedbackList, evg_feedback_list, EVG, FEEDBACK_LIST, GObject)

EvgFeedbackList *evg_feedback_list_new             (EvgInbox        *inbox);
/* "new", "assigned", "in_progress", "replied", "closed", or NULL for all;
 * a reopened message counts as in progress. */
void             evg_feedback_list_set_status      (EvgFeedbackList *self,
                                                    const char      *status);
const char      *evg_feedback_list_get_status      (EvgFeedbackList *self);
void             evg_feedback_list_set_overdue_only (EvgFeedbackList *self,
                                                     gboolean         overdue_only);
gboolean         evg_feedback_list_get_overdue_only (EvgFeedbackList *self);
/* Content, name, place, or the name's pinyin (full or initials). */
void             evg_feedback_list_set_search_text (EvgFeedbackList *self,
                                                    const char      *text);
const char      *evg_feedback_list_get_search_text (EvgFeedbackList *self);
guint            evg_feedback_list_get_n_total     (EvgFeedbackList *self);
gboolean         evg_feedback_list_get_search_incomplete (EvgFeedbackList *self);
guint            evg_feedback_list_count_status    (EvgFeedbackList *self,
                                                    const char      *status);
guint            evg_feedback_list_find            (EvgFeedbackList *self,
                                                    const char      *id);

G_END_DECLS
