/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-transfer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-sync-protocol.h"
#include "evg-transfer.h"
#include "evg-validate.h"

/* The membership transfer (组织关系转接) record type.  The sending branch
 * makes a transfer naming the receiving branch's code; the server routes
 * it there, and when the receiver accepts it the server moves the member
 * to the receiving branch (see evg-server-push.c). */

enum
{
  TRANSFER_MEMBER_ID,
  TRANSFER_FROM_BRANCH,
  TRANSFER_TO_BRANCH,
  TRANSFER_STATUS,
  TRANSFER_ISSUED_ON,
  TRANSFER_ACCEPTED_ON,
  TRANSFER_NOTE,
};

static const EvgChoice transfer_statuses[] = {
  { "issued", N_("Issued"), "已开具" },
  { "accepted", N_("Accepted"), "已接收" },
  { "refused", N_("Refused"), "已退回" },
};

static const EvgColumnSpec transfer_columns[] = {
  [TRANSFER_MEMBER_ID] = {
    .name = "member_id", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE, .max_chars = 64,
    .kind = EVG_FIELD_KIND_REFERENCE, .field = "member_id", .header = "党员", .label = N_("Member"),
  },
  [TRANSFER_FROM_BRANCH] = {
    .name = "from_branch", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE, .max_chars = 64,
    .kind = EVG_FIELD_KIND_TEXT, .field = "from_branch", .header = "转出党支部", .label = N_("From Branch"),
  },
  [TRANSFER_TO_BRANCH] = {
    .name = "to_branch", .type = EVG_COLUMN_TEXT, .flags = EVG_COLUMN_FLAG_IMMUTABLE, .max_chars = 64,
    .kind = EVG_FIELD_KIND_TEXT, .field = "to_branch", .header = "转入党支部", .label = N_("To Branch"),
  },
  [TRANSFER_STATUS] = {
    .name = "status", .type = EVG_COLUMN_TEXT, .max_chars = 16, .kind = EVG_FIELD_KIND_CHOICE,
    .field = "status", .header = "状态", .label = N_("Status"),
    .choices = transfer_statuses, .n_choices = G_N_ELEMENTS (transfer_statuses),
  },
  [TRANSFER_ISSUED_ON] = {
    .name = "issued_on", .type = EVG_COLUMN_TEXT, .max_chars = 10, .kind = EVG_FIELD_KIND_DATE,
    .field = "issued_on", .header = "开具日期", .label = N_("Issued On"),
  },
  [TRANSFER_ACCEPTED_ON] = {
    .name = "accepted_on", .type = EVG_COLUMN_TEXT, .max_chars = 10, .kind = EVG_FIELD_KIND_DATE,
    .field = "accepted_on", .header = "接收日期", .label = N_("Accepted On"),
  },
  [TRANSFER_NOTE] = {
    .name = "note", .type = EVG_COLUMN_TEXT, .kind = EVG_FIELD_KIND_TEXT,
    .field = "note", .header = "备注", .label = N_("Note"),
  },
};

static const char *
check_transfer_text (guint       column,
                     const char *text)
{
  GDate date;

  switch (column)
    {
    case TRANSFER_STATUS:
      if (evg_column_spec_find_choice (&transfer_columns[column], text) == NULL)
        return "not a transfer status (issued, accepted, refused)";
      return NULL;
    case TRANSFER_ISSUED_ON:
    case TRANSFER_ACCEPTED_ON:
      if (strlen (text) != 10 || !evg_parse_date (text, &date))
        return "not a date (YYYY-MM-DD)";
      return NULL;
    case TRANSFER_MEMBER_ID:
    case TRANSFER_FROM_BRANCH:
    case TRANSFER_TO_BRANCH:
      /* Record ids and branch codes have the sync protocol's id form. */
      return evg_sync_id_is_valid (text) ? NULL : "not an id or a branch code";
    default:
      return NULL;
    }
}

/* A transfer is issued by the sender and then accepted or refused by the
 * receiver, once: after that it is a record of what happened. */
const EvgTableSpec evg_transfer_table = {
  .name = "transfer",
  .label = N_("Transfer"),
  .columns = transfer_columns,
  .n_columns = G_N_ELEMENTS (transfer_columns),
  .policy = EVG_MERGE_FIELD_LWW,
  .insert_keeps_values = TRUE,
  .check_text = check_transfer_text,
  .state_column = "status",
  .initial_state = "issued",
  .transitions = (const char * const[]) { "issued>accepted", "issued>refused", NULL },
  .locked_states = (const char * const[]) { "accepted", "refused", NULL },
};

