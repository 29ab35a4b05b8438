/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-types.h"
#include "evg-schema.h"

G_BEGIN_DECLS

/* The values of one write to a synced table, keyed by column.  Values are
 * kept as text (NULL is SQL NULL); integer columns are bound as integers. */

EvgFieldSet        *evg_field_set_new        (const EvgTableSpec *table);
EvgFieldSet        *evg_field_set_new_for    (const char         *table);
void                evg_field_set_free       (EvgFieldSet        *set);
void                evg_field_set_clear      (EvgFieldSet        *set);
const EvgTableSpec *evg_field_set_get_table  (const EvgFieldSet  *set);
gboolean            evg_field_set_set        (EvgFieldSet        *set,
                                              const char         *column,
                                              const char         *value);
gboolean            evg_field_set_set_int    (EvgFieldSet        *set,
                                              const char         *column,
                                              gint64              value);
void                evg_field_set_set_index  (EvgFieldSet        *set,
                                              guint               index,
                                              const char         *value);
void                evg_field_set_unset      (EvgFieldSet        *set,
                                              const char         *column);
gboolean            evg_field_set_has        (const EvgFieldSet  *set,
                                              const char         *column);
gboolean            evg_field_set_has_index  (const EvgFieldSet  *set,
                                              guint               index);
const char         *evg_field_set_get        (const EvgFieldSet  *set,
                                              const char         *column);
const char         *evg_field_set_get_index  (const EvgFieldSet  *set,
                                              guint               index);
guint               evg_field_set_count      (const EvgFieldSet  *set);
guint64             evg_field_set_get_mask   (const EvgFieldSet  *set);
void                evg_field_set_append_json (const EvgFieldSet *set,
                                               GString           *out);

void                evg_json_append_string   (GString            *out,
                                              const char         *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgFieldSet, evg_field_set_free)

G_END_DECLS
