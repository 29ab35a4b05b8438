/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-feedback.h"
#include "evg-store.h"

G_BEGIN_DECLS

/* The residents' messages (留言板): the service of the inbox page and the
 * `feedback` commands.  It records what is done with each message as
 * events, moving the message's status forward as the 接诉即办 rules of
 * DOMAIN.md say, keeps a compact index of every message (its order, its
 * status and whether it is overdue) for the lists, and works out the
 * three monthly rates from the events each time they are asked for. */

#define EVG_INBOX_ERROR (evg_inbox_error_quark ())

typedef enum
{
  EVG_INBOX_ERROR_INVALID,     /* the message or event breaks a rule; see the message */
  EVG_INBOX_ERROR_NOT_FOUND,
  EVG_INBOX_ERROR_STEP,        /* not a step the message can take now */
} EvgInboxError;

/* What a message's events say of it now, beyond its status. */
typedef enum
{
  EVG_FEEDBACK_FLAG_NONE               = 0,
  EVG_FEEDBACK_FLAG_LATE_RESPONSE      = 1 << 0,  /* not responded to, past its response due time */
  EVG_FEEDBACK_FLAG_LATE_RESOLUTION    = 1 << 1,  /* not concluded, past its resolution due time */
  EVG_FEEDBACK_FLAG_WAITING            = 1 << 2,  /* waiting for the resident: the clocks stand still */
  EVG_FEEDBACK_FLAG_REOPENED           = 1 << 3,  /* concluded once, raised again by the resident */
  EVG_FEEDBACK_FLAG_MERGED             = 1 << 4,  /* a duplicate, answered through another message */
} EvgFeedbackFlags;

#define EVG_FEEDBACK_FLAG_OVERDUE (EVG_FEEDBACK_FLAG_LATE_RESPONSE | EVG_FEEDBACK_FLAG_LATE_RESOLUTION)

/* One month's (or one category's month's) rates and what they are made of.
 * A rate is -1 when there is nothing to rate. */
typedef struct
{
  guint  received;              /* messages received in the month */
  guint  excluded;              /* left out with a reason, or merged into another */
  guint  counted;               /* received − excluded: what the rates are of */
  guint  responded;             /* counted messages contacted or answered */
  guint  responded_in_time;     /* … within their response time (pauses added) */
  guint  called_back;           /* counted messages with a callback (回访) */
  guint  resolved;              /* 已解决, by the latest callback */
  guint  partly_resolved;       /* 部分解决 */
  guint  not_resolved;          /* 未解决 */
  guint  satisfied;             /* 满意 */
  guint  basically_satisfied;   /* 基本满意 */
  guint  dissatisfied;          /* 不满意 */
  double response_rate;         /* responded_in_time / counted */
  double resolution_rate;       /* (resolved + partly × weight) / called_back */
  double satisfaction_rate;     /* (satisfied + basically × weight) / called_back */
} EvgFeedbackRates;

/* The weights of the middle answers, settings since cities differ. */
typedef struct
{
  double partly_resolved;
  double basically_satisfied;
} EvgRateWeights;

typedef enum
{
  EVG_RATE_RESPONSE,
  EVG_RATE_RESOLUTION,
  EVG_RATE_SATISFACTION,
} EvgRate;

#define EVG_TYPE_INBOX (evg_inbox_get_type ())
G_DECLARE_FINAL_TYPE (EvgInbox, evg_inbox, EVG, INBOX, GObject)

GQuark      evg_inbox_error_quark   (void);
EvgInbox   *evg_inbox_new           (EvgStore    *store,
                                     GError     **error);
EvgStore   *evg_inbox_get_store     (EvgInbox    *self);

/* Settings, kept in the database so the app and the CLI agree. */
void        evg_inbox_get_due_hours (EvgInbox    *self,
                                     guint       *respond_hours,
                                     guint       *resolve_hours);
gboolean    evg_inbox_set_due_hours (EvgInbox    *self,
                                     guint        respond_hours,
                                     guint        resolve_hours,
                                     GError     **error);
void        evg_inbox_get_weights   (EvgInbox    *self,
                                     EvgRateWeights *weights);
gboolean    evg_inbox_set_weights   (EvgInbox    *self,
                                     const EvgRateWeights *weights,
                                     GError     **error);
char       *evg_inbox_dup_formula   (EvgInbox    *self,
                                     EvgRate      rate);

/* Messages. */
EvgRecord  *evg_inbox_dup_message   (EvgInbox    *self,
                                     const char  *id);
EvgFeedbackFlags evg_inbox_get_flags (EvgInbox   *self,
                                      const char *id);
EvgFeedbackFlags evg_inbox_get_message_flags (EvgInbox  *self,
                                              EvgRecord *message);
gint64      evg_inbox_message_position (EvgInbox  *self,
                                        EvgRecord *message);
guint       evg_inbox_count_overdue (EvgInbox    *self);
char       *evg_inbox_add           (EvgInbox    *self,
                                     EvgRecord   *message,
                                     GError     **error);
char       *evg_inbox_add_event     (EvgInbox    *self,
                                     const char  *message_id,
                                     EvgRecord   *event,
                                     GError     **error);
char       *evg_inbox_record        (EvgInbox    *self,
                                     const char  *message_id,
                                     const char  *kind,
                                     const char  *text,
                                     GError     **error);
char       *evg_inbox_assign        (EvgInbox    *self,
                                     const char  *message_id,
                                     const char  *member,
                                     GError     **error);
char       *evg_inbox_callback      (EvgInbox    *self,
                                     const char  *message_id,
                                     const char  *resolved,
                                     const char  *satisfied,
                                     GError     **error);
GPtrArray  *evg_inbox_list_events   (EvgInbox    *self,
                                     const char  *message_id,
                                     GError     **error);
GPtrArray  *evg_inbox_suggest_duplicates (EvgInbox   *self,
                                          const char *message_id,
                                          guint       limit);
gboolean    evg_inbox_merge         (EvgInbox    *self,
                                     const char  *duplicate_id,
                                     const char  *into_id,
                                     GError     **error);
GPtrArray  *evg_inbox_find_linked   (EvgInbox    *self,
                                     const char  *other_id);
gboolean    evg_inbox_check_step    (EvgInbox    *self,
                                     const char  *message_id,
                                     const char  *kind,
                                     GError     **error);
gboolean    evg_inbox_link          (EvgInbox    *self,
                                     const char  *message_id,
                                     const char  *kind,
                                     const char  *other_id,
                                     const char  *text,
                                     GError     **error);

/* For EvgFeedbackList: the index, newest first. */
guint       evg_inbox_get_n_rows    (EvgInbox    *self);
EvgRecord  *evg_inbox_get_row       (EvgInbox    *self,
                                     guint        position);
int         evg_inbox_get_row_status (EvgInbox   *self,
                                      guint       position);
EvgFeedbackFlags evg_inbox_get_row_flags (EvgInbox *self,
                                          guint     position,
                                          gint64    now);
gint64      evg_inbox_get_row_rowid (EvgInbox    *self,
                                     guint        position);
gint64      evg_inbox_position_of_rowid (EvgInbox *self,
                                         gint64    rowid);
void        evg_inbox_narrow        (EvgInbox      *self,
                                     const guint64 *found,
                                     guint          n_found,
                                     int            status_rank,
                                     gboolean       overdue_only,
                                     gint64         now,
                                     GArray        *shown,
                                     guint         *counts,
                                     guint         *n_overdue);
GArray     *evg_inbox_search        (EvgInbox    *self,
                                     const char  *text,
                                     guint        limit,
                                     gboolean    *more,
                                     GError     **error);

/* The rates, from the events: @n_months months from @first_month
 * (YYYY-MM) into @rates; @category NULL for all. */
gboolean    evg_inbox_compute_rates (EvgInbox        *self,
                                     const char      *first_month,
                                     guint            n_months,
                                     const char      *category,
                                     EvgFeedbackRates *rates,
                                     GError         **error);
void        evg_inbox_compute_rates_async  (EvgInbox            *self,
                                            const char          *first_month,
                                            guint                n_months,
                                            const char          *category,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
EvgFeedbackRates *evg_inbox_compute_rates_finish (EvgInbox      *self,
                                                  GAsyncResult  *result,
                                                  guint         *n_months,
                                                  GError       **error);
gboolean    evg_inbox_export_month  (EvgInbox    *self,
                                     const char  *month,
                                     const char  *path,
                                     GError     **error);

G_END_DECLS
