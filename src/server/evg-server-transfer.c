/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <string.h>

#include "evg-member.h"
#include "evg-server-push-private.h"
#include "evg-sync-merge.h"
#include "evg-transfer.h"

/* The server's part of the transfer record type: who may write a transfer,
 * its routing to the receiving branch, and the move of the member when the
 * receiver accepts.  Its states are the descriptor's (evg-transfer.c) and
 * are checked by the generic push. */

/* Transfers (组织关系转接) are the one record two branches write: the
 * sender makes it naming the receiver, the receiver may only accept or
 * refuse it.  Returns FALSE with @outcome set when the write is refused;
 * else *other is the branch that must see the change too. */
static gboolean
check_transfer (EvgServerDb    *db,
                const char     *branch,
                EvgSyncChange  *change,
                StoredRecord   *stored,
                char          **other,
                ChangeOutcome  *outcome)
{
  g_autofree char *status = evg_server_string_member (evg_sync_change_get_fields (change), "status");

  *other = NULL;
  if (stored->exists)
    {
      g_autofree char *to = evg_server_string_member (stored->values, "to_branch");
      JsonObjectIter iter;
      const char *name;

      if (g_strcmp0 (stored->branch, branch) == 0)
        {
          if (g_strcmp0 (status, "accepted") == 0)
            goto invalid;
          *other = g_steal_pointer (&to);
          return TRUE;
        }
      if (g_strcmp0 (to, branch) != 0 || change->op != EVG_SYNC_OP_UPDATE)
        goto not_owner;
      json_object_iter_init (&iter, evg_sync_change_get_fields (change));
      while (json_object_iter_next (&iter, &name, NULL))
        if (!g_str_equal (name, "status") && !g_str_equal (name, "accepted_on"))
          goto not_owner;
      if (status != NULL && !g_str_equal (status, "accepted") && !g_str_equal (status, "refused"))
        goto invalid;
      *other = g_strdup (stored->branch);
      return TRUE;
    }
  else
    {
      g_autofree char *to = evg_server_string_member (evg_sync_change_get_fields (change), "to_branch");
      g_autofree char *member = evg_server_string_member (evg_sync_change_get_fields (change), "member_id");
      EvgSyncChange probe = { 0 };
      g_auto(StoredRecord) member_record = { 0 };

      g_autofree char *from = evg_server_string_member (evg_sync_change_get_fields (change), "from_branch");

      /* The sender is the branch of the token, whatever the body says. */
      if (change->op != EVG_SYNC_OP_INSERT || to == NULL || member == NULL ||
          g_str_equal (to, branch) || !evg_server_db_branch_exists (db, to) ||
          (from != NULL && !g_str_equal (from, branch)) ||
          (status != NULL && !g_str_equal (status, "issued")))
        goto invalid;
      probe.table = (char *) evg_member_table.name;
      probe.row_id = member;
      if (!evg_server_load_record (db, &probe, &member_record, NULL) ||
          !member_record.exists || g_strcmp0 (member_record.branch, branch) != 0)
        goto not_owner;
      *other = g_steal_pointer (&to);
      return TRUE;
    }

invalid:
  outcome->status = EVG_SYNC_STATUS_REJECTED;
  outcome->reason = "invalid";
  return FALSE;
not_owner:
  outcome->status = EVG_SYNC_STATUS_REJECTED;
  outcome->reason = "not_owner";
  return FALSE;
}

/* Moves the member to the receiving branch in the same transaction as the
 * acceptance, and gives that branch the member's record.  The sender keeps
 * its copy; its later edits come back not_owner. */
static gboolean
move_member (EvgServerDb  *db,
             const char   *transfer_id,
             JsonObject   *transfer,
             const char   *from,
             GError      **error)
{
  g_autofree char *member = evg_server_string_member (transfer, "member_id");
  g_autofree char *to = evg_server_string_member (transfer, "to_branch");
  g_autofree char *change_id = g_strconcat (transfer_id, ".m", NULL);
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(StoredRecord) record = { 0 };
  EvgSyncChange probe = { 0 };
  sqlite3_stmt *stmt;
  char *hlc = NULL;

  probe.table = (char *) evg_member_table.name;
  probe.row_id = member;
  if (member == NULL || to == NULL || !evg_server_load_record (db, &probe, &record, error) ||
      !evg_server_parse_stored (&record, error))
    return member == NULL || to == NULL;
  if (!record.exists || g_strcmp0 (record.branch, from) != 0)
    return TRUE;

  stmt = evg_sqlite_prepare (db->sqlite,
                             "UPDATE record SET branch = ?1 WHERE tbl = ?3 AND row_id = ?2",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, to, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, member, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, evg_member_table.name, -1, SQLITE_STATIC);
  if (!evg_sqlite_step_done (db->sqlite, stmt, error))
    return FALSE;

  /* The party group belongs to the old branch: the member arrives without. */
  fields = json_object_ref (record.values);
  json_object_remove_member (fields, evg_member_field_get_info (EVG_MEMBER_PARTY_GROUP_ID)->name);
  evg_sync_append_fields (text, fields);
  stmt = evg_sqlite_prepare (db->sqlite,
                             "SELECT hlc FROM record WHERE row_id = ?1 AND tbl = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, member, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, evg_member_table.name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    hlc = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  {
    gboolean ok = evg_server_log_change (db, change_id, to, evg_member_table.name, member, "insert", text->str,
                              hlc, NULL, evg_transfer_table.name, error);

    g_free (hlc);
    return ok;
  }
}


/* Once an issued transfer is stored as accepted, the member moves. */
static gboolean
transfer_applied (EvgServerDb    *db,
                  EvgSyncChange  *change,
                  const char     *owner,
                  const char     *state_before,
                  JsonObject     *values,
                  GError        **error)
{
  g_autofree char *status = evg_server_string_member (values, "status");

  if (g_strcmp0 (state_before, "accepted") == 0 || g_strcmp0 (status, "accepted") != 0)
    return TRUE;
  return move_member (db, change->row_id, values, owner, error);
}

static const EvgServerTypeHooks type_hooks[] = {
  { &evg_transfer_table, check_transfer, transfer_applied },
};

/**
 * evg_server_type_hooks:
 *
 * Returns: (nullable): the server's part of @type, or %NULL for a type
 *   that its owning branch alone writes
 */
const EvgServerTypeHooks *
evg_server_type_hooks (const EvgTableSpec *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_hooks); i++)
    if (type_hooks[i].type == type)
      return &type_hooks[i];
  return NULL;
}
