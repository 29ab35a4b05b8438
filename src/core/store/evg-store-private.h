/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For src/core only: the SQLite connection never leaves the core library. */

#include <sqlite3.h>

#include "evg-sqlite.h"
#include "evg-store.h"

G_BEGIN_DECLS

/* The `fields` of an insert's outbox entry that points at its row instead
 * of holding a copy of its values; see the outbox in evg-schema.c. */
#define EVG_OUTBOX_FIELDS_FROM_ROW ""

sqlite3      *evg_store_get_db        (EvgStore    *self);
void          evg_store_add_functions (sqlite3     *db);
EvgSqlite    *evg_store_get_sqlite    (EvgStore    *self);
sqlite3_stmt *evg_store_prepare       (EvgStore    *self,
                                       const char  *sql,
                                       GError     **error);
typedef void (*EvgRowFunc) (sqlite3_stmt *stmt,
                            gpointer      data);

gboolean      evg_store_each_row      (EvgStore            *self,
                                       const char          *sql,
                                       const char * const  *params,
                                       guint                n_params,
                                       EvgRowFunc           func,
                                       gpointer             data,
                                       GError             **error);
gboolean      evg_store_exec          (EvgStore    *self,
                                       const char  *sql,
                                       GError     **error);
void          evg_store_set_error     (EvgStore    *self,
                                       int          rc,
                                       GError     **error);
void          evg_store_configure_hlc (EvgStore    *self,
                                       EvgHlc      *hlc);
void          evg_store_txn_finished  (EvgStore    *self,
                                       EvgTxn      *txn);
void          evg_store_emit_changes  (EvgStore    *self,
                                       GHashTable  *changed);
guint64       evg_store_get_change_serial (EvgStore *self);
void          evg_store_hold_checkpoint (EvgStore  *self);
gboolean      evg_store_checkpoint    (EvgStore    *self,
                                       GError     **error);

/* The text parameters of evg_store_each_row(), as a list and its length. */
#define EVG_PARAMS(...) (const char * const[]) { __VA_ARGS__ }, \
                        G_N_ELEMENTS (((const char * const[]) { __VA_ARGS__ }))

G_END_DECLS
