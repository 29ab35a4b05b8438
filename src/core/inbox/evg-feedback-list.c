/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-feedback-list"

#include "config.h"

#include <string.h>

#include "evg-feedback-list.h"
#include "evg-validate.h"

#define N_RANKS 5

struct _EvgFeedbackList
{
  GObject parent_instance;

  EvgInbox *inbox;
  char     *status;
  int       status_rank;     /* -1 for all */
  gboolean  overdue_only;
  char     *search_text;
  GArray   *found;           /* of guint64: the positions the search found, as bits; NULL for no search */
  gboolean  search_more;     /* more messages hold the words than were found */
  GArray   *shown;           /* of gint64: the rowids shown, in the index's order */
  guint     counts[N_RANKS]; /* of the messages the search leaves, by status */
  guint     n_overdue;
};

static void evg_feedback_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EvgFeedbackList, evg_feedback_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, evg_feedback_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return EVG_TYPE_RECORD;
}

static guint
get_n_items (GListModel *model)
{
  return EVG_FEEDBACK_LIST (model)->shown->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  EvgFeedbackList *self = EVG_FEEDBACK_LIST (model);

  gint64 at;

  if (position >= self->shown->len)
    return NULL;
  at = evg_inbox_position_of_rowid (self->inbox, g_array_index (self->shown, gint64, position));
  return at >= 0 ? evg_inbox_get_row (self->inbox, (guint) at) : NULL;
}

static void
evg_feedback_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gint64
now_minute (void)
{
  g_autofree char *now = evg_dup_now_minute ();

  return evg_parse_minute (now);
}

/* The positions the filters leave, with the counts by status. */
static GArray *
narrow (EvgFeedbackList *self)
{
  guint n = self->found == NULL && self->status_rank < 0 ? evg_inbox_get_n_rows (self->inbox) : 64;
  GArray *shown = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);

  memset (self->counts, 0, sizeof self->counts);
  self->n_overdue = 0;
  evg_inbox_narrow (self->inbox, self->found != NULL ? (const guint64 *) (gpointer) self->found->data : NULL,
                    self->found != NULL ? self->found->len : 0, self->status_rank, self->overdue_only,
                    now_minute (), shown, self->counts, &self->n_overdue);
  return shown;
}

static void
read_search (EvgFeedbackList *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = NULL;

  g_clear_pointer (&self->found, g_array_unref);
  self->search_more = FALSE;
  if (self->search_text == NULL)
    return;
  rowids = evg_inbox_search (self->inbox, self->search_text, EVG_FEEDBACK_LIST_SEARCH_LIMIT,
                             &self->search_more, &error);
  if (error != NULL)
    g_warning ("Could not search the messages: %s", error->message);
  if (rowids == NULL)
    return;
  /* By position, so that narrowing visits only the rows found. */
  self->found = g_array_new (FALSE, TRUE, sizeof (guint64));
  g_array_set_size (self->found, (evg_inbox_get_n_rows (self->inbox) + 63) / 64);
  for (guint i = 0; i < rowids->len; i++)
    {
      gint64 position = evg_inbox_position_of_rowid (self->inbox, g_array_index (rowids, gint64, i));

      if (position >= 0 && (guint64) position / 64 < self->found->len)
        g_array_index (self->found, guint64, position / 64) |= G_GUINT64_CONSTANT (1) << (position % 64);
    }
}

/* Narrows the index again and tells the views the least that changed:
 * the rows in @touched (rowids) where the shown positions stay. */
static void
refresh (EvgFeedbackList *self,
         GHashTable      *touched)
{
  g_autoptr(GArray) old = self->shown;
  guint n_old = old->len, n_new, prefix = 0, suffix = 0;

  self->shown = narrow (self);
  n_new = self->shown->len;
  while (prefix < n_old && prefix < n_new &&
         g_array_index (old, gint64, prefix) == g_array_index (self->shown, gint64, prefix) &&
         (touched == NULL || !g_hash_table_contains (touched, &g_array_index (old, gint64, prefix))))
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         g_array_index (old, gint64, n_old - 1 - suffix) == g_array_index (self->shown, gint64, n_new - 1 - suffix) &&
         (touched == NULL || !g_hash_table_contains (touched, &g_array_index (old, gint64, n_old - 1 - suffix))))
    suffix++;
  if (touched == NULL && prefix == n_old && prefix == n_new)
    {
      /* Read again whole: every row may have changed. */
      prefix = 0;
      suffix = 0;
    }
  if (prefix + suffix < MAX (n_old, n_new))
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, n_old - prefix - suffix, n_new - prefix - suffix);
  if (n_old != n_new)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
on_rows_changed (EvgFeedbackList *self,
                 GHashTable      *touched,
                 EvgInbox        *inbox)
{
  if (self->search_text != NULL)
    read_search (self);
  refresh (self, touched);
}

static void
evg_feedback_list_dispose (GObject *object)
{
  EvgFeedbackList *self = EVG_FEEDBACK_LIST (object);

  if (self->inbox != NULL)
    g_signal_handlers_disconnect_by_data (self->inbox, self);
  g_clear_object (&self->inbox);
  G_OBJECT_CLASS (evg_feedback_list_parent_class)->dispose (object);
}

static void
evg_feedback_list_finalize (GObject *object)
{
  EvgFeedbackList *self = EVG_FEEDBACK_LIST (object);

  g_free (self->status);
  g_free (self->search_text);
  g_clear_pointer (&self->found, g_array_unref);
  g_array_unref (self->shown);
  G_OBJECT_CLASS (evg_feedback_list_parent_class)->finalize (object);
}

static void
evg_feedback_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  EvgFeedbackList *self = EVG_FEEDBACK_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->shown->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_feedback_list_class_init (EvgFeedbackListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = evg_feedback_list_dispose;
  object_class->finalize = evg_feedback_list_finalize;
  object_class->get_property = evg_feedback_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
evg_feedback_list_init (EvgFeedbackList *self)
{
  self->status_rank = -1;
  self->shown = g_array_new (FALSE, FALSE, sizeof (gint64));
}

EvgFeedbackList *
evg_feedback_list_new (EvgInbox *inbox)
{
  EvgFeedbackList *self;

  g_return_val_if_fail (EVG_IS_INBOX (inbox), NULL);

  self = g_object_new (EVG_TYPE_FEEDBACK_LIST, NULL);
  self->inbox = g_object_ref (inbox);
  g_signal_connect_object (inbox, "rows-changed", G_CALLBACK (on_rows_changed), self, G_CONNECT_SWAPPED);
  g_array_unref (self->shown);
  self->shown = narrow (self);
  return self;
}

void
evg_feedback_list_set_status (EvgFeedbackList *self,
                              const char      *status)
{
  g_return_if_fail (EVG_IS_FEEDBACK_LIST (self));

  if (g_strcmp0 (status, self->status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  self->status_rank = status != NULL ? evg_feedback_status_rank (status) : -1;
  refresh (self, NULL);
}

const char *
evg_feedback_list_get_status (EvgFeedbackList *self)
{
  g_return_val_if_fail (EVG_IS_FEEDBACK_LIST (self), NULL);
  return self->status;
}

void
evg_feedback_list_set_overdue_only (EvgFeedbackList *self,
                                    gboolean         overdue_only)
{
  g_return_if_fail (EVG_IS_FEEDBACK_LIST (self));

  if (self->overdue_only == !!overdue_only)
    return;
  self->overdue_only = !!overdue_only;
  refresh (self, NULL);
}

gboolean
evg_feedback_list_get_overdue_only (EvgFeedbackList *self)
{
  g_return_val_if_fail (EVG_IS_FEEDBACK_LIST (self), FALSE);
  return self->overdue_only;
}

void
evg_feedback_list_set_search_text (EvgFeedbackList *self,
                                   const char      *text)
{
  g_autofree char *trimmed = text != NULL ? g_strstrip (g_strdup (text)) : NULL;

  g_return_if_fail (EVG_IS_FEEDBACK_LIST (self));

  if (trimmed != NULL && *trimmed == '\0')
    g_clear_pointer (&trimmed, g_free);
  if (g_strcmp0 (trimmed, self->search_text) == 0)
    return;
  g_free (self->search_text);
  self->search_text = g_steal_pointer (&trimmed);
  read_search (self);
  refresh (self, NULL);
}

const char *
evg_feedback_list_get_search_text (EvgFeedbackList *self)
{
  g_return_val_if_fail (EVG_IS_FEEDBACK_LIST (self), NULL);
  return self->search_text;
}

/* Every message, whatever the filters. */
guint
evg_feedback_list_get_n_total (EvgFeedbackList *self)
{
  g_return_val_if_fail (EVG_IS_FEEDBACK_LIST (self), 0);
  return evg_inbox_get_n_rows (self->inbox);
}

/**
 * evg_feedback_list_count_status:
 * @status: (nullable): a status, "overdue", or %NULL for all
 *
 * Returns: how many messages the search text leaves have @status, for
 *   the status filters to show
 */
guint
evg_feedback_list_count_status (EvgFeedbackList *self,
                                const char      *status)
{
  int rank;
  guint n = 0;

  g_return_val_if_fail (EVG_IS_FEEDBACK_LIST (self), 0);

  if (g_strcmp0 (status, "overdue") == 0)
    return self->n_overdue;
  rank = status != NULL ? evg_feedback_status_rank (status) : -1;
  if (rank >= 0 && rank < N_RANKS)
    return self->counts[rank];
  for (guint i = 0; i < N_RANKS; i++)
    n += self->counts[i];
  return n;
}

/**
 * evg_feedback_list_find:
 *
 * Returns: the position of the message @id in the list, or
 *   %GTK_INVALID_LIST_POSITION (G_MAXUINT) when it is not shown
 */
guint
evg_feedback_list_find (EvgFeedbackList *self,
                        const char      *id)
{
  g_autoptr(EvgRecord) message = NULL;
  gint64 position;
  guint low = 0, high;

  g_return_val_if_fail (EVG_IS_FEEDBACK_LIST (self), G_MAXUINT);

  message = evg_inbox_dup_message (self->inbox, id);
  position = message != NULL ? evg_inbox_message_position (self->inbox, message) : -1;
  if (position < 0)
    return G_MAXUINT;
  /* The shown rows are in the index's order. */
  high = self->shown->len;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (evg_inbox_position_of_rowid (self->inbox, g_array_index (self->shown, gint64, mid)) < position)
        low = mid + 1;
      else
        high = mid;
    }
  return low < self->shown->len &&
         evg_inbox_position_of_rowid (self->inbox, g_array_index (self->shown, gint64, low)) == position ? low : G_MAXUINT;
}

/**
 * evg_feedback_list_get_search_incomplete:
 *
 * Returns: whether more messages hold the search's words than the list
 *   shows: only the %EVG_FEEDBACK_LIST_SEARCH_LIMIT most recent are, and
 *   another word narrows them
 */
gboolean
evg_feedback_list_get_search_incomplete (EvgFeedbackList *self)
{
  g_return_val_if_fail (EVG_IS_FEEDBACK_LIST (self), FALSE);
  return self->search_more;
}
