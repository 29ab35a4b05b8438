/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-schema.h"
#include "evg-sync-protocol.h"

G_BEGIN_DECLS

/* The merge rules of SYNC.md, shared by the client (applying pulled changes)
 * and the server (applying pushed ones), so both sides decide alike.
 *
 * A record is its values and one clock per field: "hlc@site" text, or a bare
 * "hlc" for a write made on this replica (the client's field_hlc column).
 * The key "*" holds the insert's clock and stands for every field that has
 * not been written since; "deleted" holds the tombstone's clock.  Every key is
 * a last-writer-wins register ordered by (hlc, site), so any two replicas that
 * have seen the same changes hold the same values whatever the order.
 * Conflicts are what a person must see on top of that: a concurrent edit of
 * an identity field, and an edit concurrent with a delete. */

typedef enum
{
  EVG_SYNC_CONFLICT_NONE,
  EVG_SYNC_CONFLICT_IDENTITY,       /* both sides changed an identity field */
  EVG_SYNC_CONFLICT_EDIT_DELETED,   /* the change edits a row deleted meanwhile */
  EVG_SYNC_CONFLICT_DELETE_EDITED,  /* the change deletes a row edited meanwhile */
} EvgSyncConflictKind;

typedef struct
{
  JsonObject *values;   /* column → value; owned by the caller */
  JsonObject *clocks;   /* key → clock text; owned by the caller */
  gboolean    exists;
  gboolean    deleted;
} EvgSyncRecord;

typedef struct
{
  GPtrArray           *written;     /* keys that took the change's value ("deleted" too) */
  EvgSyncConflictKind  conflict;
  JsonObject          *contested;   /* this side's values before the merge */
  char                *row_hlc;     /* the record's clock afterwards */
  gboolean             clocks_changed;
} EvgSyncMergeResult;

const char *evg_sync_conflict_kind_to_string (EvgSyncConflictKind  kind);
EvgSyncConflictKind evg_sync_conflict_kind_from_string (const char *text);

int         evg_sync_clock_compare      (const char          *clock_a,
                                         const char          *clock_b,
                                         const char          *default_site);
char       *evg_sync_clock_make         (const char          *hlc,
                                         const char          *site);
void        evg_sync_merge              (const EvgTableSpec  *spec,
                                         EvgSyncRecord       *record,
                                         EvgSyncChange       *change,
                                         const char          *default_site,
                                         EvgSyncMergeResult  *result);
void        evg_sync_merge_result_clear (EvgSyncMergeResult  *result);
JsonObject *evg_sync_parse_stored       (const char          *json,
                                         GError             **error);

G_END_DECLS
