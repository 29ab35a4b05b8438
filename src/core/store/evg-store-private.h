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
EvgSqlite    *evg_store_get_sqlite    (EvgStore    *self);
sqlite3_stmt *evg_store_prepare       (EvgStore    *self,
                                       const char  *sql,
                                       GError     **error);
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

G_END_DECLS
