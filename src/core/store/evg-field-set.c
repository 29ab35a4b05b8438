/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-field-set"

#include "config.h"

#include "evg-field-set.h"

struct _EvgFieldSet
{
  const EvgTableSpec *table;
  guint64             mask;
  char               *values[EVG_SCHEMA_MAX_COLUMNS];
};

EvgFieldSet *
evg_field_set_new (const EvgTableSpec *table)
{
  EvgFieldSet *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (table->n_columns <= EVG_SCHEMA_MAX_COLUMNS, NULL);

  self = g_new0 (EvgFieldSet, 1);
  self->table = table;
  return self;
}

EvgFieldSet *
evg_field_set_new_for (const char *table)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (table);

  g_return_val_if_fail (spec != NULL, NULL);
  return evg_field_set_new (spec);
}

void
evg_field_set_clear (EvgFieldSet *set)
{
  g_return_if_fail (set != NULL);

  for (guint i = 0; i < set->table->n_columns; i++)
    g_clear_pointer (&set->values[i], g_free);
  set->mask = 0;
}

void
evg_field_set_free (EvgFieldSet *set)
{
  if (set == NULL)
    return;
  evg_field_set_clear (set);
  g_free (set);
}

const EvgTableSpec *
evg_field_set_get_table (const EvgFieldSet *set)
{
  return set->table;
}

void
evg_field_set_set_index (EvgFieldSet *set,
                         guint        index,
                         const char  *value)
{
  g_return_if_fail (set != NULL);
  g_return_if_fail (index < set->table->n_columns);

  if (set->values[index] != value)
    {
      g_free (set->values[index]);
      set->values[index] = g_strdup (value);
    }
  set->mask |= G_GUINT64_CONSTANT (1) << index;
}

gboolean
evg_field_set_set (EvgFieldSet *set,
                   const char  *column,
                   const char  *value)
{
  int index;

  g_return_val_if_fail (set != NULL, FALSE);

  index = evg_table_spec_find_column (set->table, column);
  if (index < 0)
    {
      g_critical ("Table %s has no column %s", set->table->name, column);
      return FALSE;
    }

  evg_field_set_set_index (set, (guint) index, value);
  return TRUE;
}

gboolean
evg_field_set_set_int (EvgFieldSet *set,
                       const char  *column,
                       gint64       value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  return evg_field_set_set (set, column, buf);
}

void
evg_field_set_unset (EvgFieldSet *set,
                     const char  *column)
{
  int index = evg_table_spec_find_column (set->table, column);

  if (index < 0)
    return;
  g_clear_pointer (&set->values[index], g_free);
  set->mask &= ~(G_GUINT64_CONSTANT (1) << index);
}

gboolean
evg_field_set_has_index (const EvgFieldSet *set,
                         guint              index)
{
  return index < set->table->n_columns && (set->mask & (G_GUINT64_CONSTANT (1) << index)) != 0;
}

gboolean
evg_field_set_has (const EvgFieldSet *set,
                   const char        *column)
{
  int index = evg_table_spec_find_column (set->table, column);

  return index >= 0 && evg_field_set_has_index (set, (guint) index);
}

const char *
evg_field_set_get_index (const EvgFieldSet *set,
                         guint              index)
{
  g_return_val_if_fail (index < set->table->n_columns, NULL);
  return set->values[index];
}

const char *
evg_field_set_get (const EvgFieldSet *set,
                   const char        *column)
{
  int index = evg_table_spec_find_column (set->table, column);

  return index >= 0 ? set->values[index] : NULL;
}

guint
evg_field_set_count (const EvgFieldSet *set)
{
  return (guint) __builtin_popcountll (set->mask);
}

guint64
evg_field_set_get_mask (const EvgFieldSet *set)
{
  return set->mask;
}

void
evg_json_append_string (GString    *out,
                        const char *value)
{
  const char *run = value;
  const char *p;

  /* Text is copied in runs between the characters that need escaping, not
   * byte by byte: a first sync writes 100,000 rows' worth of it. */
  g_string_append_c (out, '"');
  for (p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          g_string_append_printf (out, "\\u%04x", c);
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* Writes the set as a JSON object.  This runs once per imported row, which
 * is why it appends to a GString instead of building a JsonNode tree. */
void
evg_field_set_append_json (const EvgFieldSet *set,
                           GString           *out)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < set->table->n_columns; i++)
    {
      const EvgColumnSpec *col = &set->table->columns[i];
      const char *value = set->values[i];

      if (!evg_field_set_has_index (set, i))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;

      evg_json_append_string (out, col->name);
      g_string_append_c (out, ':');
      if (value == NULL)
        g_string_append (out, "null");
      else if (col->type == EVG_COLUMN_INT)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, g_ascii_strtoll (value, NULL, 10));
      else
        evg_json_append_string (out, value);
    }
  g_string_append_c (out, '}');
}
