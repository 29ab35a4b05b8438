/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-record"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-record.h"
#include "evg-store-private.h"

struct _EvgRecord
{
  GObject parent_instance;

  const EvgTableSpec *spec;
  char *id;
  char *values[EVG_SCHEMA_MAX_COLUMNS];
};

G_DEFINE_FINAL_TYPE (EvgRecord, evg_record, G_TYPE_OBJECT)

static void
evg_record_finalize (GObject *object)
{
  EvgRecord *self = EVG_RECORD (object);

  g_free (self->id);
  for (guint i = 0; i < G_N_ELEMENTS (self->values); i++)
    g_free (self->values[i]);
  G_OBJECT_CLASS (evg_record_parent_class)->finalize (object);
}

static void
evg_record_class_init (EvgRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = evg_record_finalize;
}

static void
evg_record_init (EvgRecord *self)
{
}

/**
 * evg_record_new:
 * @spec: the record's table
 * @id: (nullable): the stored record's id, or %NULL for a new one
 */
EvgRecord *
evg_record_new (const EvgTableSpec *spec,
                const char         *id)
{
  EvgRecord *self;

  g_return_val_if_fail (spec != NULL && spec->n_columns <= EVG_SCHEMA_MAX_COLUMNS, NULL);

  self = g_object_new (EVG_TYPE_RECORD, NULL);
  self->spec = spec;
  self->id = g_strdup (id);
  return self;
}

const EvgTableSpec *
evg_record_get_table (EvgRecord *self)
{
  g_return_val_if_fail (EVG_IS_RECORD (self), NULL);
  return self->spec;
}

const char *
evg_record_get_id (EvgRecord *self)
{
  g_return_val_if_fail (EVG_IS_RECORD (self), NULL);
  return self->id;
}

const char *
evg_record_get (EvgRecord *self,
                guint      column)
{
  g_return_val_if_fail (EVG_IS_RECORD (self), NULL);
  g_return_val_if_fail (column < self->spec->n_columns, NULL);
  return self->values[column];
}

/* Empty text is no value. */
void
evg_record_set (EvgRecord  *self,
                guint       column,
                const char *value)
{
  evg_record_take (self, column, value != NULL && *value != '\0' ? g_strdup (value) : NULL);
}

/**
 * evg_record_take:
 * @value: (transfer full) (nullable): the new value
 */
void
evg_record_take (EvgRecord *self,
                 guint      column,
                 char      *value)
{
  g_return_if_fail (EVG_IS_RECORD (self));
  g_return_if_fail (column < self->spec->n_columns);

  g_free (self->values[column]);
  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);
  self->values[column] = value;
}

EvgRecord *
evg_record_copy (EvgRecord *self)
{
  EvgRecord *copy;

  g_return_val_if_fail (EVG_IS_RECORD (self), NULL);

  copy = evg_record_new (self->spec, self->id);
  for (guint i = 0; i < self->spec->n_columns; i++)
    copy->values[i] = g_strdup (self->values[i]);
  return copy;
}

/**
 * evg_record_diff:
 * @stored: (nullable): the record as stored, or %NULL for a new one
 *
 * Returns: (transfer full): the values of @self that differ from @stored
 */
EvgFieldSet *
evg_record_diff (EvgRecord *self,
                 EvgRecord *stored)
{
  EvgFieldSet *fields;

  g_return_val_if_fail (EVG_IS_RECORD (self), NULL);
  g_return_val_if_fail (stored == NULL || stored->spec == self->spec, NULL);

  fields = evg_field_set_new (self->spec);
  for (guint i = 0; i < self->spec->n_columns; i++)
    if (g_strcmp0 (stored != NULL ? stored->values[i] : NULL, self->values[i]) != 0)
      evg_field_set_set_index (fields, i, self->values[i]);
  return fields;
}

/**
 * evg_record_check_values:
 * @problems: (element-type utf8): where each broken rule is added as a
 *   sentence for the secretary
 *
 * Checks every value against its column's domain, as EvgTxn and the
 * server will.
 */
void
evg_record_check_values (EvgRecord *self,
                         GPtrArray *problems)
{
  g_return_if_fail (EVG_IS_RECORD (self));

  for (guint i = 0; i < self->spec->n_columns; i++)
    {
      const EvgColumnSpec *column = &self->spec->columns[i];
      const char *problem;
      gint64 number;

      if (self->values[i] == NULL)
        continue;
      if (column->type == EVG_COLUMN_INT)
        {
          char *end = NULL;

          number = g_ascii_strtoll (self->values[i], &end, 10);
          problem = end == self->values[i] || *end != '\0'
                    ? "not a number" : evg_table_spec_check_int (self->spec, i, number);
        }
      else
        problem = evg_table_spec_check_text (self->spec, i, self->values[i]);
      if (problem == NULL)
        continue;
      if (g_str_equal (problem, "too long"))
        g_ptr_array_add (problems, g_strdup_printf (_("%s is too long: at most %u characters."),
                                                    _(column->label),
                                                    column->max_chars != 0
                                                    ? column->max_chars
                                                    : EVG_SCHEMA_DEFAULT_MAX_CHARS));
      else
        g_ptr_array_add (problems, g_strdup_printf (_("%s is not a valid value."), _(column->label)));
    }
}

/**
 * evg_record_get_choice_label:
 *
 * Returns: the translated label of the choice @column holds, or ""
 */
const char *
evg_record_get_choice_label (EvgRecord *self,
                             guint      column)
{
  const EvgChoice *choice;

  g_return_val_if_fail (EVG_IS_RECORD (self), "");
  g_return_val_if_fail (column < self->spec->n_columns, "");

  choice = evg_column_spec_find_choice (&self->spec->columns[column], self->values[column]);
  return choice != NULL ? _(choice->label) : "";
}

/* Whether the record is in one of its table's locked states. */
gboolean
evg_record_is_locked (EvgRecord *self)
{
  int column;

  g_return_val_if_fail (EVG_IS_RECORD (self), FALSE);

  if (self->spec->state_column == NULL || self->spec->locked_states == NULL)
    return FALSE;
  column = evg_table_spec_find_column (self->spec, self->spec->state_column);
  for (guint i = 0; column >= 0 && self->spec->locked_states[i] != NULL; i++)
    if (g_strcmp0 (self->values[column], self->spec->locked_states[i]) == 0)
      return TRUE;
  return FALSE;
}

/**
 * evg_record_append_columns:
 * @prefix: (nullable): the table's alias in the query, such as "c."
 *
 * Appends ", column" for each of @spec's columns to @sql, in order.
 */
void
evg_record_append_columns (const EvgTableSpec *spec,
                           const char         *prefix,
                           GString            *sql)
{
  for (guint i = 0; i < spec->n_columns; i++)
    g_string_append_printf (sql, ", %s%s", prefix != NULL ? prefix : "", spec->columns[i].name);
}

typedef struct
{
  const EvgTableSpec *spec;
  GHashTable         *by_id;
  GPtrArray          *items;
} ListLoad;

static void
add_loaded (sqlite3_stmt *stmt,
            gpointer      data)
{
  ListLoad *load = data;
  const char *id = (const char *) sqlite3_column_text (stmt, 0);
  EvgRecord *record = g_hash_table_lookup (load->by_id, id);

  /* The same object with its values brought up to date: a page or dialog
   * that holds it sees them. */
  record = record != NULL ? g_object_ref (record) : evg_record_new (load->spec, id);
  for (guint i = 0; i < load->spec->n_columns; i++)
    evg_record_set (record, i, (const char *) sqlite3_column_text (stmt, (int) i + 1));
  g_ptr_array_add (load->items, record);
}

/**
 * evg_record_load_list:
 * @order: the ORDER BY clause
 * @list: the list model (of EvgRecord) to fill, in one splice
 * @by_id: id → record, borrowed from @list, kept in step with it
 *
 * Reads every live record of @spec into @list, keeping the objects of
 * records it held before: the list model of a service.
 */
gboolean
evg_record_load_list (EvgStore            *store,
                      const EvgTableSpec  *spec,
                      const char          *order,
                      GListStore          *list,
                      GHashTable          *by_id,
                      GError             **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  ListLoad load = { spec, by_id, items };

  evg_record_append_columns (spec, NULL, sql);
  g_string_append_printf (sql, " FROM %s WHERE deleted = 0 ORDER BY %s", spec->name, order);
  if (!evg_store_each_row (store, sql->str, NULL, 0, add_loaded, &load, error))
    return FALSE;
  g_hash_table_remove_all (by_id);
  for (guint i = 0; i < items->len; i++)
    {
      EvgRecord *record = g_ptr_array_index (items, i);

      g_hash_table_insert (by_id, (gpointer) evg_record_get_id (record), record);
    }
  g_list_store_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), items->pdata, items->len);
  return TRUE;
}
