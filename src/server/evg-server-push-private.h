/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "evg-schema.h"
#include "evg-server-db-private.h"
#include "evg-sync-protocol.h"

G_BEGIN_DECLS

/* What a push shares with the server code of record types that need more
 * than the generic policies (evg-server-transfer.c). */

/* What the server holds of one record. */
typedef struct
{
  gboolean  exists;
  char     *branch;
  gboolean  deleted;
  char     *fields;
  char     *clocks;
  JsonObject *values;       /* @fields parsed, by parse_stored() */
  JsonObject *clock_values; /* @clocks parsed */
} StoredRecord;

void      evg_server_stored_record_clear (StoredRecord  *record);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StoredRecord, evg_server_stored_record_clear)

/* How a push answers one change. */
typedef struct
{
  EvgSyncStatus  status;
  gint64         seq;
  const char    *reason;
  const char    *kind;
  JsonObject    *remote;    /* owned */
  JsonObject    *remote_clocks; /* owned */
} ChangeOutcome;

gboolean  evg_server_parse_stored        (StoredRecord  *record,
                                          GError       **error);
gboolean  evg_server_load_record         (EvgServerDb   *db,
                                          EvgSyncChange *change,
                                          StoredRecord  *record,
                                          GError       **error);
gboolean  evg_server_log_change          (EvgServerDb   *db,
                                          const char    *change_id,
                                          const char    *branch,
                                          const char    *table,
                                          const char    *row_id,
                                          const char    *op,
                                          const char    *fields_json,
                                          const char    *hlc,
                                          const char    *base_hlc,
                                          const char    *site,
                                          GError       **error);
char     *evg_server_string_member       (JsonObject    *object,
                                          const char    *name);
gboolean  evg_server_apply_change        (EvgServerDb   *db,
                                          const char    *branch,
                                          EvgSyncChange *change,
                                          ChangeOutcome *outcome,
                                          GError       **error);

/* The server's part of a record type, for a type that is not simply
 * written by the branch that owns it.  @check decides whether @branch may
 * make @change, answering a refusal in @outcome, and names in
 * @other_branch a branch that must see the change too.  @applied runs in
 * the push's transaction once the change is stored, with the record's
 * state before it and its values after. */
typedef struct
{
  const EvgTableSpec *type;
  gboolean          (*check)   (EvgServerDb    *db,
                                const char     *branch,
                                EvgSyncChange  *change,
                                StoredRecord   *stored,
                                char          **other_branch,
                                ChangeOutcome  *outcome);
  gboolean          (*applied) (EvgServerDb    *db,
                                EvgSyncChange  *change,
                                const char     *owner,
                                const char     *state_before,
                                JsonObject     *values,
                                GError        **error);
} EvgServerTypeHooks;

const EvgServerTypeHooks *evg_server_type_hooks (const EvgTableSpec *type);

G_END_DECLS
