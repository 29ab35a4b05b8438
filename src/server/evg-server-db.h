/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The server's SQLite store: branches and their tokens, the merged state of
 * every record, the append-only change log that clients pull from, and the
 * answers to push batches already processed.  One EvgServerDb is one
 * connection; each worker thread has its own.  All functions block. */

typedef struct _EvgServerDb EvgServerDb;

typedef enum
{
  EVG_SERVER_AUTH_OK,
  EVG_SERVER_AUTH_MISSING,
  EVG_SERVER_AUTH_INVALID,
  EVG_SERVER_AUTH_REVOKED,
} EvgServerAuth;

typedef struct
{
  char   *code;
  char   *name;
  gint64  created_at;   /* ms since the epoch */
  gboolean revoked;
  gint64  n_changes;
  gint64  last_push_at; /* ms, 0 when never */
} EvgServerBranch;

typedef struct
{
  guint       status;        /* HTTP status */
  char       *body;          /* JSON, unless content_type says otherwise */
  const char *content_type;  /* static; NULL for JSON */
  const char *allow;         /* static; the methods a 405 names */
} EvgServerReply;

EvgServerDb   *evg_server_db_open            (const char       *path,
                                              GError          **error);
void           evg_server_db_free            (EvgServerDb      *db);
const char    *evg_server_db_get_epoch       (EvgServerDb      *db);

char          *evg_server_db_add_branch      (EvgServerDb      *db,
                                              const char       *code,
                                              const char       *name,
                                              GError          **error);
GPtrArray     *evg_server_db_list_branches   (EvgServerDb      *db,
                                              GError          **error);
char          *evg_server_db_rotate_token    (EvgServerDb      *db,
                                              const char       *code,
                                              GError          **error);
gboolean       evg_server_db_revoke_branch   (EvgServerDb      *db,
                                              const char       *code,
                                              GError          **error);
gboolean       evg_server_db_get_page        (EvgServerDb      *db,
                                              const char       *code,
                                              char            **name,
                                              gboolean         *on);
gboolean       evg_server_db_set_page        (EvgServerDb      *db,
                                              const char       *code,
                                              gboolean          on,
                                              GError          **error);
void           evg_server_db_get_due_hours   (EvgServerDb      *db,
                                              const char       *code,
                                              guint            *respond_hours,
                                              guint            *resolve_hours);
gboolean       evg_server_db_set_due_hours   (EvgServerDb      *db,
                                              const char       *code,
                                              guint             respond_hours,
                                              guint             resolve_hours,
                                              GError          **error);
gboolean       evg_server_db_backup          (EvgServerDb      *db,
                                              const char       *destination,
                                              GError          **error);
gboolean       evg_server_db_restore         (const char       *backup,
                                              const char       *database,
                                              GError          **error);

EvgServerAuth  evg_server_db_authenticate    (EvgServerDb      *db,
                                              const char       *authorization,
                                              char            **branch_code,
                                              char            **branch_name);
void           evg_server_db_push            (EvgServerDb      *db,
                                              const char       *branch,
                                              const char       *body,
                                              gsize             length,
                                              EvgServerReply   *reply);
void           evg_server_db_checkpoint      (EvgServerDb      *db);
void           evg_server_db_pull            (EvgServerDb      *db,
                                              const char       *branch,
                                              GHashTable       *query,
                                              EvgServerReply   *reply);
void           evg_server_db_health          (EvgServerDb      *db,
                                              const char       *branch_code,
                                              const char       *branch_name,
                                              EvgServerReply   *reply);

void           evg_server_reply_error        (EvgServerReply   *reply,
                                              guint             status,
                                              const char       *code,
                                              const char       *message);
void           evg_server_branch_free        (EvgServerBranch  *branch);
void           evg_server_failpoint          (const char       *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgServerDb, evg_server_db_free)

G_END_DECLS
