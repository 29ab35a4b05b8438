/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "evg-server-db.h"

G_BEGIN_DECLS

/* What the files of the server's store share: evg-server-db.c (the
 * connection, schema and SQLite helpers), evg-server-admin.c (branches,
 * tokens, backups), evg-server-push.c and evg-server-pull.c. */

/* 'EVGS': tells the server's database from the app's and from other files. */
#define SERVER_APPLICATION_ID 0x45564753
#define TOKEN_BYTES 32
#define TOKEN_PREFIX "evg_"

struct _EvgServerDb
{
  char       *path;
  sqlite3    *db;
  GHashTable *statements;
  char       *epoch;
  GString    *clocks;       /* scratch for apply_change() */
};

gint64         evg_server_now_ms            (void);
char          *evg_server_random_hex        (gsize            n_bytes);
gboolean       evg_server_create_private    (const char      *path,
                                             GError         **error);
void           evg_server_db_set_error      (EvgServerDb     *db,
                                             GError         **error);
sqlite3_stmt  *evg_server_db_prepare        (EvgServerDb     *db,
                                             const char      *sql,
                                             GError         **error);
gboolean       evg_server_db_exec           (EvgServerDb     *db,
                                             const char      *sql,
                                             GError         **error);
gboolean       evg_server_db_step_done      (EvgServerDb     *db,
                                             sqlite3_stmt    *stmt,
                                             GError         **error);
char          *evg_server_db_get_meta       (EvgServerDb     *db,
                                             const char      *key);
gboolean       evg_server_db_set_meta       (EvgServerDb     *db,
                                             const char      *key,
                                             const char      *value,
                                             GError         **error);
gboolean       evg_server_db_query_int      (EvgServerDb     *db,
                                             const char      *sql,
                                             gint64          *value);
gboolean       evg_server_db_branch_exists  (EvgServerDb     *db,
                                             const char      *code);
void           evg_server_reply_internal    (EvgServerDb     *db,
                                             EvgServerReply  *reply,
                                             GError          *error);

G_END_DECLS
