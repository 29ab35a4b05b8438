/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-record.h"

G_BEGIN_DECLS

/* A resident's message (留言板, 接诉即办) and what is done with it.  The
 * message is kept as an EvgRecord of evg_feedback_table: its content never
 * changes once saved, and its status only moves forward (new → assigned →
 * in progress → replied → closed), on every replica: a step back merges
 * away.  Replies, notes, calls, callbacks, reopenings and the rest are
 * rows of evg_feedback_event_table, which are only ever added. */

typedef enum
{
  EVG_FEEDBACK_RECEIVED_AT,
  EVG_FEEDBACK_CHANNEL,
  EVG_FEEDBACK_FROM_NAME,
  EVG_FEEDBACK_CONTACT,
  EVG_FEEDBACK_CATEGORY,
  EVG_FEEDBACK_CONTENT,
  EVG_FEEDBACK_PLACE,
  EVG_FEEDBACK_STATUS,
  EVG_FEEDBACK_ASSIGNEE,
  EVG_FEEDBACK_RESPONSE_DUE,
  EVG_FEEDBACK_RESOLUTION_DUE,
  EVG_FEEDBACK_MERGED_INTO,
  EVG_FEEDBACK_N_FIELDS
} EvgFeedbackField;

typedef enum
{
  EVG_FEEDBACK_EVENT_FEEDBACK_ID,
  EVG_FEEDBACK_EVENT_AT,
  EVG_FEEDBACK_EVENT_KIND,
  EVG_FEEDBACK_EVENT_TEXT,
  EVG_FEEDBACK_EVENT_AUTHOR,
  EVG_FEEDBACK_EVENT_ASSIGNEE,
  EVG_FEEDBACK_EVENT_RESOLVED,
  EVG_FEEDBACK_EVENT_SATISFIED,
  EVG_FEEDBACK_EVENT_OTHER_ID,
  EVG_FEEDBACK_EVENT_N_FIELDS
} EvgFeedbackEventField;

extern const EvgTableSpec evg_feedback_table;
extern const EvgTableSpec evg_feedback_event_table;

const EvgColumnSpec *evg_feedback_field_get_info       (EvgFeedbackField       field);
const EvgColumnSpec *evg_feedback_event_field_get_info (EvgFeedbackEventField  field);
int                  evg_feedback_status_rank          (const char            *status);

/* Where a message stands by its events (oldest first): the steps of
 * 接诉即办 it may take now.  The inbox checks every step by it, and the
 * message view offers only the steps it allows. */
typedef struct
{
  gboolean open;       /* not concluded, or reopened since */
  gboolean replied;    /* answered since it was last reopened */
  gboolean waiting;    /* waiting for the resident: its clocks stand still */
  gboolean excluded;   /* left out of the rates */
  gboolean merged;     /* merged into another, which is handled instead */
} EvgFeedbackProgress;

void                 evg_feedback_progress_init        (EvgFeedbackProgress    *progress,
                                                        EvgRecord              *message);
void                 evg_feedback_progress_add         (EvgFeedbackProgress    *progress,
                                                        const char             *kind);
const char          *evg_feedback_progress_check       (const EvgFeedbackProgress *progress,
                                                        const char             *kind);

/* The due times a message gets when it is received, unless the branch
 * sets others (evg_inbox_set_due_hours(); the server keeps them for the
 * public page). */
#define EVG_FEEDBACK_DEFAULT_RESPOND_HOURS 24
#define EVG_FEEDBACK_DEFAULT_RESOLVE_HOURS (7 * 24)

const char          *evg_feedback_check_due_hours      (guint                   respond_hours,
                                                        guint                   resolve_hours);

G_END_DECLS
