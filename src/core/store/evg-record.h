/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-field-set.h"
#include "evg-schema.h"
#include "evg-store.h"

G_BEGIN_DECLS

/* One stored record of any synced table, as a list model item: its id and
 * its values as text, indexed like its table's columns.  The record types
 * that need no behaviour of their own (a whistle) use it as they are; the
 * table's descriptor says what each value is. */

#define EVG_TYPE_RECORD (evg_record_get_type ())
G_DECLARE_FINAL_TYPE (EvgRecord, evg_record, EVG, RECORD, GObject)

EvgRecord          *evg_record_new        (const EvgTableSpec *spec,
                                           const char         *id);
const EvgTableSpec *evg_record_get_table  (EvgRecord          *self);
const char         *evg_record_get_id     (EvgRecord          *self);
const char         *evg_record_get        (EvgRecord          *self,
                                           guint               column);
void                evg_record_set        (EvgRecord          *self,
                                           guint               column,
                                           const char         *value);
void                evg_record_take       (EvgRecord          *self,
                                           guint               column,
                                           char               *value);
EvgRecord          *evg_record_copy       (EvgRecord          *self);
EvgFieldSet        *evg_record_diff       (EvgRecord          *self,
                                           EvgRecord          *stored);
void                evg_record_check_values (EvgRecord        *self,
                                             GPtrArray        *problems);
const char         *evg_record_get_choice_label (EvgRecord    *self,
                                                 guint         column);
gboolean            evg_record_is_locked  (EvgRecord          *self);
gboolean            evg_record_load_list  (EvgStore           *store,
                                           const EvgTableSpec *spec,
                                           const char         *order,
                                           GListStore         *list,
                                           GHashTable         *by_id,
                                           GError            **error);
void                evg_record_append_columns (const EvgTableSpec *spec,
                                               const char         *prefix,
                                               GString            *sql);

G_END_DECLS
