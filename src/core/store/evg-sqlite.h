/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The SQLite plumbing that the client's store (EvgStore, and the sync
 * store on its connection) and the server's store share.  An EvgSqlite
 * stands beside one connection that its owner opens, configures and
 * closes: it keeps the connection's prepared statements, and hands every
 * failure to its owner's error function, so that each store keeps its own
 * error domain, codes and messages. */

typedef struct _EvgSqlite EvgSqlite;

/**
 * EvgSqliteKey:
 * @EVG_SQLITE_KEY_TEXT: statements are kept by their SQL text, which may
 *   be built at run time
 * @EVG_SQLITE_KEY_ADDRESS: statements are kept by the address of their
 *   SQL, which must then be a string literal; cheaper for a store whose
 *   statements are all literals, as it neither hashes nor compares text
 *
 * How the statement cache tells one statement from another.
 */
typedef enum
{
  EVG_SQLITE_KEY_TEXT,
  EVG_SQLITE_KEY_ADDRESS,
} EvgSqliteKey;

/**
 * EvgSqliteErrorFunc:
 * @db: the connection
 * @rc: the SQLite result code of the failure
 * @user_data: what was given to evg_sqlite_new()
 * @error: (not nullable): where to put the owner's error
 *
 * Turns a failure of SQLite into the owner's error.
 */
typedef void (*EvgSqliteErrorFunc) (sqlite3   *db,
                                    int        rc,
                                    gpointer   user_data,
                                    GError   **error);

/**
 * EvgSqliteStepFailedFunc:
 * @version: the schema version the failed migration was to make
 * @error: (not nullable): the error of the failure, already set
 *
 * Lets the owner say, in its own words, which migration failed.
 */
typedef void (*EvgSqliteStepFailedFunc) (guint     version,
                                         GError  **error);

EvgSqlite    *evg_sqlite_new        (sqlite3                  *db,
                                     EvgSqliteKey              key,
                                     EvgSqliteErrorFunc        error_func,
                                     gpointer                  user_data);
void          evg_sqlite_free       (EvgSqlite                *self);
sqlite3      *evg_sqlite_get_db     (EvgSqlite                *self);
void          evg_sqlite_set_error  (EvgSqlite                *self,
                                     int                       rc,
                                     GError                  **error);

sqlite3_stmt *evg_sqlite_prepare    (EvgSqlite                *self,
                                     const char               *sql,
                                     GError                  **error);
gboolean      evg_sqlite_exec       (EvgSqlite                *self,
                                     const char               *sql,
                                     GError                  **error);
gboolean      evg_sqlite_exec_cached (EvgSqlite               *self,
                                     const char               *sql,
                                     GError                  **error);
gboolean      evg_sqlite_step_done  (EvgSqlite                *self,
                                     sqlite3_stmt             *stmt,
                                     GError                  **error);
gboolean      evg_sqlite_begin      (EvgSqlite                *self,
                                     GError                  **error);
gboolean      evg_sqlite_commit     (EvgSqlite                *self,
                                     GError                  **error);
gboolean      evg_sqlite_rollback   (EvgSqlite                *self);

gboolean      evg_sqlite_query_int  (EvgSqlite                *self,
                                     const char               *sql,
                                     gint64                   *value,
                                     GError                  **error);
gboolean      evg_sqlite_query_text (EvgSqlite                *self,
                                     const char               *sql,
                                     char                    **value,
                                     GError                  **error);

char         *evg_sqlite_get_meta   (EvgSqlite                *self,
                                     const char               *key);
gboolean      evg_sqlite_set_meta   (EvgSqlite                *self,
                                     const char               *key,
                                     const char               *value,
                                     GError                  **error);

gboolean      evg_sqlite_migrate    (EvgSqlite                *self,
                                     const char * const       *migrations,
                                     guint                     n_migrations,
                                     gint32                    application_id,
                                     guint                    *version,
                                     EvgSqliteStepFailedFunc   step_failed,
                                     GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSqlite, evg_sqlite_free)

G_END_DECLS
