/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-sync-conflict.h"
#include "evg-sync-merge.h"

/* A conflict is a snapshot of one row of the sync store's conflicts table:
 * read-only, so the Conflicts view can bind to it while the client swaps
 * the whole list after every sync. */

struct _EvgSyncConflict
{
  GObject  parent_instance;

  /* Owned */
  gint64   id;
  char    *table;
  char    *row_id;
  char    *kind;
  char    *local_value;
  char    *remote_value;
  gint64   created_at;
  char    *resolution;
};

G_DEFINE_FINAL_TYPE (EvgSyncConflict, evg_sync_conflict, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TABLE,
  PROP_ROW_ID,
  PROP_KIND,
  PROP_LOCAL_VALUE,
  PROP_REMOTE_VALUE,
  PROP_CREATED_AT,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
evg_sync_conflict_finalize (GObject *object)
{
  EvgSyncConflict *self = (EvgSyncConflict *) object;

  g_free (self->table);
  g_free (self->row_id);
  g_free (self->kind);
  g_free (self->local_value);
  g_free (self->remote_value);
  g_free (self->resolution);

  G_OBJECT_CLASS (evg_sync_conflict_parent_class)->finalize (object);
}

static void
evg_sync_conflict_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  EvgSyncConflict *self = EVG_SYNC_CONFLICT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_TABLE:
      g_value_set_string (value, self->table);
      break;
    case PROP_ROW_ID:
      g_value_set_string (value, self->row_id);
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_LOCAL_VALUE:
      g_value_set_string (value, self->local_value);
      break;
    case PROP_REMOTE_VALUE:
      g_value_set_string (value, self->remote_value);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_SUMMARY:
      g_value_take_string (value, evg_sync_conflict_dup_summary (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_sync_conflict_class_init (EvgSyncConflictClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = evg_sync_conflict_finalize;
  object_class->get_property = evg_sync_conflict_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_TABLE] = g_param_spec_string ("table", NULL, NULL, NULL, ro);
  properties[PROP_ROW_ID] = g_param_spec_string ("row-id", NULL, NULL, NULL, ro);
  /**
   * EvgSyncConflict:kind:
   *
   * identity (both sides changed a name, ID number, birth date or joining
   * date), edit_deleted (this side's edit hit a record deleted elsewhere),
   * delete_edited (a delete hit a record edited elsewhere), rejected (the
   * server refused the change, for example not_owner), unapplied (a
   * pulled change this version cannot store).
   */
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, ro);
  properties[PROP_LOCAL_VALUE] = g_param_spec_string ("local-value", NULL, NULL, NULL, ro);
  properties[PROP_REMOTE_VALUE] = g_param_spec_string ("remote-value", NULL, NULL, NULL, ro);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  /**
   * EvgSyncConflict:summary:
   *
   * One translated sentence for the list row; see
   * evg_sync_conflict_dup_summary().
   */
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
evg_sync_conflict_init (EvgSyncConflict *self)
{
}

/* A missing value is stored as an empty object so that the view can parse
 * both sides the same way. */
EvgSyncConflict *
evg_sync_conflict_new_internal (gint64      id,
                                const char *table,
                                const char *row_id,
                                const char *kind,
                                const char *local_value,
                                const char *remote_value,
                                gint64      created_at,
                                const char *resolution)
{
  EvgSyncConflict *self = g_object_new (EVG_TYPE_SYNC_CONFLICT, NULL);

  self->id = id;
  self->table = g_strdup (table != NULL ? table : "");
  self->row_id = g_strdup (row_id != NULL ? row_id : "");
  self->kind = g_strdup (kind != NULL ? kind : "");
  self->local_value = g_strdup (local_value != NULL ? local_value : "{}");
  self->remote_value = g_strdup (remote_value != NULL ? remote_value : "{}");
  self->created_at = created_at;
  self->resolution = g_strdup (resolution);
  return self;
}

gint64
evg_sync_conflict_get_id (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), 0);
  return self->id;
}

const char *
evg_sync_conflict_get_table (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), NULL);
  return self->table;
}

const char *
evg_sync_conflict_get_row_id (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), NULL);
  return self->row_id;
}

const char *
evg_sync_conflict_get_kind (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), NULL);
  return self->kind;
}

const char *
evg_sync_conflict_get_local_value (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), NULL);
  return self->local_value;
}

const char *
evg_sync_conflict_get_remote_value (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), NULL);
  return self->remote_value;
}

gint64
evg_sync_conflict_get_created_at (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), 0);
  return self->created_at;
}

/**
 * evg_sync_conflict_get_resolution:
 *
 * Returns: (nullable): the side that was kept, or %NULL while the
 *   conflict is open
 */
const char *
evg_sync_conflict_get_resolution (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), NULL);
  return self->resolution;
}

/* One sentence for the list row; the view shows both values beside it. */
char *
evg_sync_conflict_dup_summary (EvgSyncConflict *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_CONFLICT (self), NULL);

  if (g_str_equal (self->kind, "identity"))
    return g_strdup (_("This record’s identity details were changed here and on another "
                       "workstation at the same time. Choose which to keep."));
  if (g_str_equal (self->kind, "edit_deleted"))
    return g_strdup (_("This record was edited here but deleted on another workstation. "
                       "Keep your edit to bring it back, or accept the deletion."));
  if (g_str_equal (self->kind, "delete_edited"))
    return g_strdup (_("This record was deleted while another workstation edited it. "
                       "Keep the edited record, or accept the deletion."));
  if (g_str_equal (self->kind, "rejected"))
    {
      /* The server's reason code is the only way to tell a transferred
       * record from another refusal, and it travels in the remote value,
       * {"reason":CODE}.  A value that cannot be read says so rather than
       * pass for a refusal without a reason. */
      g_autoptr(JsonObject) remote = evg_sync_parse_stored (self->remote_value, NULL);
      JsonNode *reason = remote != NULL ? json_object_get_member (remote, "reason") : NULL;

      if (remote == NULL)
        return g_strdup (_("The server refused this change, and the reason saved with it is "
                           "damaged. The change is kept here only."));
      if (reason != NULL && JSON_NODE_HOLDS_VALUE (reason) &&
          json_node_get_value_type (reason) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (reason), "not_owner"))
        return g_strdup (_("The server refused this change: the record now belongs to another "
                           "branch (it was transferred). Your change is kept here only."));
      if (reason != NULL && JSON_NODE_HOLDS_VALUE (reason) &&
          json_node_get_value_type (reason) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (reason), "locked"))
        return g_strdup (_("The server refused this change: the record was signed or archived on "
                           "another workstation and is final. The record shows the final version; "
                           "your change is kept here. Add a dated correction if it is needed."));
      return g_strdup (_("The server refused this change. It is kept here only."));
    }
  if (g_str_equal (self->kind, "unapplied"))
    return g_strdup (_("A change from another workstation could not be stored here, for "
                       "example a second member with the same ID number."));
  return g_strdup (_("This record was changed in two places."));
}
