/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-field-set.h"
#include "evg-types.h"

G_BEGIN_DECLS

/* The single write path into synced tables.  Every insert, update and delete
 * writes the row, its clocks and its outbox entry inside one SQLite
 * transaction, so a change can never exist without the record that will
 * carry it to the server, nor the other way round.  There is deliberately no
 * other public way to write a synced table. */

EvgStore   *evg_txn_get_store  (EvgTxn       *txn);
char       *evg_txn_new_id     (void);
void        evg_uuid7_format   (guint64      ms,
                                guint        counter,
                                guint32      r1,
                                guint32      r2,
                                char         out[37]);
char       *evg_txn_insert     (EvgTxn       *txn,
                                EvgFieldSet  *fields,
                                const char   *id,
                                GError      **error);
gboolean    evg_txn_insert_rows (EvgTxn              *txn,
                                 EvgFieldSet * const *rows,
                                 guint                n_rows,
                                 guint               *n_written,
                                 GError             **error);
gboolean    evg_txn_update     (EvgTxn       *txn,
                                const char   *id,
                                EvgFieldSet  *fields,
                                GError      **error);
gboolean    evg_txn_delete     (EvgTxn       *txn,
                                const char   *table,
                                const char   *id,
                                GError      **error);
gboolean    evg_txn_rewrite    (EvgTxn       *txn,
                                const char   *id,
                                EvgFieldSet  *fields,
                                GError      **error);
gboolean    evg_txn_restore    (EvgTxn       *txn,
                                const char   *id,
                                EvgFieldSet  *fields,
                                GError      **error);
void        evg_txn_set_all_or_nothing (EvgTxn *txn);
gboolean    evg_txn_commit     (EvgTxn       *txn,
                                GError      **error);
void        evg_txn_free       (EvgTxn       *txn);

/* For core only: made by evg_store_begin(). */
EvgTxn     *evg_txn_new_internal (EvgStore   *store,
                                  GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgTxn, evg_txn_free)

G_END_DECLS
