/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "evg-server-db.h"
#include "evg-sqlite.h"

G_BEGIN_DECLS

/* What the files of the server's store share: evg-server-db.c (the
 * connection and schema), evg-server-admin.c (branches, tokens, backups),
 * evg-server-push.c and evg-server-pull.c.  They all run SQL through the
 * connection's EvgSqlite (evg-sqlite.h). */

/* 'EVGS': tells the server's database from the app's and from other files. */
#define SERVER_APPLICATION_ID 0x45564753
#define TOKEN_BYTES 32
#define TOKEN_PREFIX "evg_"

struct _EvgServerDb
{
  char       *path;
  sqlite3    *db;
  EvgSqlite  *sqlite;       /* statements, kept by the address of their SQL */
  char       *epoch;
  GString    *clocks;       /* scratch for apply_change() */
};

gint64         evg_server_now_ms            (void);
char          *evg_server_random_hex        (gsize            n_bytes);
gboolean       evg_server_create_private    (const char      *path,
                                             GError         **error);
gboolean       evg_server_db_branch_exists  (EvgServerDb     *db,
                                             const char      *code);
void           evg_server_reply_internal    (EvgServerDb     *db,
                                             EvgServerReply  *reply,
                                             GError          *error);

G_END_DECLS
