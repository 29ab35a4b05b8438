/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <string.h>

#include "evg-hlc.h"
#include "evg-sync-merge.h"

static const char * const kind_names[] = { "none", "identity", "edit_deleted", "delete_edited" };

const char *
evg_sync_conflict_kind_to_string (EvgSyncConflictKind kind)
{
  g_return_val_if_fail (kind <= EVG_SYNC_CONFLICT_DELETE_EDITED, NULL);
  return kind_names[kind];
}

EvgSyncConflictKind
evg_sync_conflict_kind_from_string (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      return (EvgSyncConflictKind) i;
  return EVG_SYNC_CONFLICT_NONE;
}

/* Splits "hlc@site" (or a bare "hlc", which is @default_site). */
static void
split_clock (const char  *clock,
             const char  *default_site,
             const char **hlc,
             gsize       *hlc_len,
             const char **site)
{
  const char *at;

  if (clock == NULL)
    {
      *hlc = "";
      *hlc_len = 0;
      *site = "";
      return;
    }
  at = strchr (clock, '@');
  *hlc = clock;
  *hlc_len = at != NULL ? (gsize) (at - clock) : strlen (clock);
  *site = at != NULL ? at + 1 : (default_site != NULL ? default_site : "");
}

/* Orders two field clocks by (hlc, site).  A missing clock is older than any. */
int
evg_sync_clock_compare (const char *clock_a,
                        const char *clock_b,
                        const char *default_site)
{
  const char *hlc_a, *hlc_b, *site_a, *site_b;
  gsize len_a, len_b;
  int cmp;

  split_clock (clock_a, default_site, &hlc_a, &len_a, &site_a);
  split_clock (clock_b, default_site, &hlc_b, &len_b, &site_b);

  cmp = memcmp (hlc_a, hlc_b, MIN (len_a, len_b));
  if (cmp == 0 && len_a != len_b)
    cmp = len_a < len_b ? -1 : 1;
  if (cmp == 0)
    cmp = strcmp (site_a, site_b);
  return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
}

char *
evg_sync_clock_make (const char *hlc,
                     const char *site)
{
  return g_strconcat (hlc, "@", site, NULL);
}

/* TRUE when the clock's time is later than @base: the writer of the change
 * based on @base cannot have seen that write. */
static gboolean
unseen (const char *clock,
        const char *base)
{
  const char *hlc, *site;
  gsize len;

  if (clock == NULL)
    return FALSE;
  split_clock (clock, NULL, &hlc, &len, &site);
  if (base == NULL)
    return TRUE;
  return strncmp (hlc, base, MAX (len, strlen (base))) > 0;
}

static gboolean
values_equal (JsonNode *a,
              JsonNode *b)
{
  gboolean null_a = a == NULL || JSON_NODE_HOLDS_NULL (a);
  gboolean null_b = b == NULL || JSON_NODE_HOLDS_NULL (b);
  g_autoptr(GString) text_a = NULL;
  g_autoptr(GString) text_b = NULL;

  if (null_a || null_b)
    return null_a == null_b;

  text_a = g_string_new (NULL);
  text_b = g_string_new (NULL);
  evg_sync_append_json_value (text_a, a);
  evg_sync_append_json_value (text_b, b);
  return g_string_equal (text_a, text_b);
}

static const char *
clock_of (EvgSyncRecord *record,
          const char    *key)
{
  if (json_object_has_member (record->clocks, key))
    return json_object_get_string_member (record->clocks, key);
  if (json_object_has_member (record->clocks, "*"))
    return json_object_get_string_member (record->clocks, "*");
  return NULL;
}

static void
contest (EvgSyncMergeResult  *result,
         EvgSyncConflictKind  kind,
         EvgSyncRecord       *record,
         const char          *name)
{
  JsonNode *value;

  if (result->conflict == EVG_SYNC_CONFLICT_NONE)
    result->conflict = kind;
  if (result->conflict != kind)
    return;
  if (result->contested == NULL)
    result->contested = json_object_new ();
  if (name == NULL)
    {
      /* The whole record is at stake. */
      JsonObjectIter iter;
      const char *member;

      json_object_iter_init (&iter, record->values);
      while (json_object_iter_next (&iter, &member, &value))
        json_object_set_member (result->contested, member, json_node_copy (value));
      return;
    }
  value = json_object_get_member (record->values, name);
  json_object_set_member (result->contested, name,
                          value != NULL ? json_node_copy (value) : json_node_new (JSON_NODE_NULL));
}

static void
update_row_hlc (EvgSyncMergeResult *result,
                EvgSyncRecord      *record)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;
  char best[EVG_HLC_TEXT_LEN + 1] = "";

  json_object_iter_init (&iter, record->clocks);
  while (json_object_iter_next (&iter, &key, &node))
    {
      const char *clock = json_node_get_string (node);

      if (clock != NULL && strncmp (clock, best, EVG_HLC_TEXT_LEN) > 0)
        g_strlcpy (best, clock, sizeof best);
    }
  result->row_hlc = g_strdup (best);
}

static gboolean
monotonic (const EvgColumnSpec *column)
{
  return (column->flags & (EVG_COLUMN_FLAG_EARLIEST | EVG_COLUMN_FLAG_LATEST)) != 0;
}

static const char *
text_of (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

/* A column that moves only one way keeps the earliest (latest) time of
 * the two, whichever clock is newer, and the newer clock: the result is
 * the same in whatever order a replica meets the changes. */
static void
merge_one_way (EvgSyncMergeResult  *result,
               EvgSyncRecord       *record,
               const EvgColumnSpec *column,
               JsonNode            *value,
               const char          *clock,
               const char          *default_site)
{
  const char *local = clock_of (record, column->name);
  const char *stored = text_of (json_object_get_member (record->values, column->name));

  if (evg_sync_clock_compare (clock, local, default_site) > 0)
    {
      json_object_set_string_member (record->clocks, column->name, clock);
      result->clocks_changed = TRUE;
    }
  if (evg_column_spec_keeps_stored (column, stored, text_of (value)) ||
      g_strcmp0 (stored, text_of (value)) == 0)
    return;
  json_object_set_member (record->values, column->name, json_node_copy (value));
  g_ptr_array_add (result->written, g_strdup (column->name));
}

/**
 * evg_sync_merge:
 * @spec: the table
 * @record: this replica's record, changed in place
 * @change: the change to merge into it
 * @default_site: the site that bare clocks in @record belong to
 * @result: (out caller-allocates): what changed and any conflict
 */
void
evg_sync_merge (const EvgTableSpec *spec,
                EvgSyncRecord      *record,
                EvgSyncChange      *change,
                const char         *default_site,
                EvgSyncMergeResult *result)
{
  g_autofree char *clock = evg_sync_clock_make (change->hlc, change->site);
  const char *base = change->base_hlc;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean one_way;

  memset (result, 0, sizeof *result);
  result->written = g_ptr_array_new_with_free_func (g_free);

  if (!record->exists)
    {
      json_object_set_string_member (record->clocks, "*", clock);
      result->clocks_changed = TRUE;
      json_object_iter_init (&iter, evg_sync_change_get_fields (change));
      while (json_object_iter_next (&iter, &name, &value))
        {
          if (g_str_equal (name, "deleted"))
            continue;
          json_object_set_member (record->values, name, json_node_copy (value));
          g_ptr_array_add (result->written, g_strdup (name));
        }
      if (change->op == EVG_SYNC_OP_DELETE)
        {
          record->deleted = TRUE;
          json_object_set_string_member (record->clocks, "deleted", clock);
          result->clocks_changed = TRUE;
          g_ptr_array_add (result->written, g_strdup ("deleted"));
        }
      record->exists = TRUE;
      update_row_hlc (result, record);
      return;
    }

  if (change->op == EVG_SYNC_OP_DELETE)
    {
      if (!record->deleted)
        {
          /* A delete that did not see an edit keeps that edit as a conflict;
           * the tombstone still wins, the same way on every replica. */
          json_object_iter_init (&iter, record->clocks);
          while (json_object_iter_next (&iter, &name, &value))
            if (!g_str_equal (name, "deleted") && !g_str_equal (name, "*") &&
                unseen (json_node_get_string (value), base))
              {
                contest (result, EVG_SYNC_CONFLICT_DELETE_EDITED, record, NULL);
                break;
              }
        }
      if (evg_sync_clock_compare (clock, clock_of (record, "deleted"), default_site) > 0)
        {
          json_object_set_string_member (record->clocks, "deleted", clock);
          result->clocks_changed = TRUE;
          if (!record->deleted)
            {
              record->deleted = TRUE;
              g_ptr_array_add (result->written, g_strdup ("deleted"));
            }
        }
      update_row_hlc (result, record);
      return;
    }

  /* A restore begins the record's life again: its times are taken as
   * written, not held against the ones it had before it was deleted. */
  one_way = !(change->op == EVG_SYNC_OP_UPDATE &&
              json_object_has_member (evg_sync_change_get_fields (change), "deleted") &&
              json_object_get_int_member (evg_sync_change_get_fields (change), "deleted") == 0);

  if (record->deleted && change->op == EVG_SYNC_OP_UPDATE &&
      !json_object_has_member (evg_sync_change_get_fields (change), "deleted") &&
      unseen (clock_of (record, "deleted"), base))
    {
      contest (result, EVG_SYNC_CONFLICT_EDIT_DELETED, record, NULL);
      if (result->contested != NULL)
        json_object_set_int_member (result->contested, "deleted", 1);
    }

  json_object_iter_init (&iter, evg_sync_change_get_fields (change));
  while (json_object_iter_next (&iter, &name, &value))
    {
      const char *local = clock_of (record, name);
      int col = evg_table_spec_find_column (spec, name);
      gboolean identity = col >= 0 && (spec->columns[col].flags & EVG_COLUMN_FLAG_IDENTITY) != 0;
      gboolean differs;

      if (g_str_equal (name, "deleted"))
        {
          if (evg_sync_clock_compare (clock, clock_of (record, "deleted"), default_site) > 0)
            {
              gboolean deleted = json_node_get_int (value) != 0;

              json_object_set_string_member (record->clocks, "deleted", clock);
          result->clocks_changed = TRUE;
              if (deleted != record->deleted)
                {
                  record->deleted = deleted;
                  g_ptr_array_add (result->written, g_strdup ("deleted"));
                }
            }
          continue;
        }

      if (col >= 0 && one_way && monotonic (&spec->columns[col]))
        {
          merge_one_way (result, record, &spec->columns[col], value, clock, default_site);
          continue;
        }

      differs = !values_equal (json_object_get_member (record->values, name), value);
      if (identity && differs && change->op == EVG_SYNC_OP_UPDATE && unseen (local, base))
        contest (result, EVG_SYNC_CONFLICT_IDENTITY, record, name);

      if (evg_sync_clock_compare (clock, local, default_site) > 0)
        {
          json_object_set_string_member (record->clocks, name, clock);
          result->clocks_changed = TRUE;
          if (differs)
            {
              json_object_set_member (record->values, name, json_node_copy (value));
              g_ptr_array_add (result->written, g_strdup (name));
            }
        }
    }

  update_row_hlc (result, record);
}

void
evg_sync_merge_result_clear (EvgSyncMergeResult *result)
{
  g_clear_pointer (&result->written, g_ptr_array_unref);
  g_clear_pointer (&result->contested, json_object_unref);
  g_clear_pointer (&result->row_hlc, g_free);
}

/**
 * evg_sync_parse_stored:
 *
 * Parses the text of a JSON object as stored (a record's fields or
 * clocks).  Anything else is an error, never an empty object: merging
 * against an empty object would take a damaged record for a record with
 * no values and quietly overwrite or drop what it held.
 *
 * Returns: (transfer full) (nullable): the object, or %NULL with @error set
 */
JsonObject *
evg_sync_parse_stored (const char  *json,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, &local))
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_FAILED,
                   "A stored record is damaged: %s", local != NULL ? local->message : "no text");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_FAILED,
                           "A stored record is damaged: it is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}
