/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-fuzz"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "evg-fuzz.h"
#include "evg-hlc.h"
#include "evg-server-db.h"
#include "evg-sync-protocol.h"

/* The server's handling of an authenticated request, below HTTP: an input
 * that starts with "{" is the body of POST /v1/push, anything else the
 * query string of GET /v1/pull, decoded into a table as the server's HTTP
 * front does (decode_query()).  Both are answered for one branch of a server
 * database made once, with a few records of its own and of a neighbouring
 * branch (which transfers may name).
 *
 * Every input must meet the same database, or the fuzzer could not tell
 * what an input did from what the inputs before it left behind.  A second
 * connection of this program's own keeps a copy of every table in memory
 * and, whenever a request committed anything, copies it back; it copies
 * whatever tables there are, so it follows the server's schema as that
 * changes.
 *
 * Beyond memory errors it checks what clients rely on: every answer is one
 * the client's readers take (a 200 as a push or pull answer, anything else
 * as an error object), a push is answered for each of its changes in
 * order, a pull's sequence numbers rise, nothing the branch pushes reaches
 * the other branch's pulls except through a transfer, and no request makes
 * the server fail inside (503): only a broken disk may do that. */

#define BRANCH     "110105001"
#define NEIGHBOUR  "110105002"
/* Fixed, so that the seed corpus can name it: a fresh database has a
 * random one. */
#define EPOCH      "f022e0c4a1b2c3d4e5f60718293a4b5c"
#define SITE       "5c1d0a6e2f3b4c5d6e7f8091a2b3c4d5"
#define NEIGHBOUR_SITE "9e8d7c6b5a4938271605f4e3d2c1b0a9"
/* 2025-01-01 00:00 UTC: in the past, so never refused as clock skew. */
#define SEED_MS    G_GINT64_CONSTANT (1735689600000)

static char *scratch_dir;
static char *db_path;
static EvgServerDb *db;
static sqlite3 *keeper;        /* restores the database after each write */
static char *restore_sql;
static gint64 data_version;
static GPtrArray *neighbour_ids;   /* change ids the neighbour's pull shows */

static void
remove_scratch (void)
{
  g_clear_pointer (&db, evg_server_db_free);
  g_clear_pointer (&keeper, sqlite3_close);
  if (scratch_dir != NULL)
    evg_test_remove_dir (scratch_dir);
}

static void
keeper_exec (const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (keeper, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_printerr ("%s: %s\n", sql, message);
      abort ();
    }
}

static gint64
keeper_data_version (void)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version;

  evg_fuzz_check (sqlite3_prepare_v2 (keeper, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK);
  evg_fuzz_check (sqlite3_step (stmt) == SQLITE_ROW);
  version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* Copies every table into an attached in-memory database and prepares
 * the statements that copy them back.  The keeper runs without triggers,
 * so the change log's append-only triggers do not stop it. */
static void
keep_snapshot (void)
{
  g_autoptr(GString) sql = g_string_new ("BEGIN IMMEDIATE;");
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  evg_fuzz_check (sqlite3_open_v2 (db_path, &keeper, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
  evg_fuzz_check (sqlite3_db_config (keeper, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) == SQLITE_OK);
  sqlite3_busy_timeout (keeper, 10000);
  keeper_exec ("PRAGMA synchronous = OFF; ATTACH ':memory:' AS snap;");

  evg_fuzz_check (sqlite3_prepare_v2 (keeper, "SELECT name FROM main.sqlite_master WHERE type = 'table'",
                                      -1, &stmt, NULL) == SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      char *copy = sqlite3_mprintf ("CREATE TABLE snap.t%u AS SELECT * FROM main.\"%w\"", n, name);
      char *restore = sqlite3_mprintf ("DELETE FROM main.\"%w\";"
                                       "INSERT INTO main.\"%w\" SELECT * FROM snap.t%u;",
                                       name, name, n);

      keeper_exec (copy);
      g_string_append (sql, restore);
      sqlite3_free (copy);
      sqlite3_free (restore);
      n++;
    }
  sqlite3_finalize (stmt);
  g_string_append (sql, "COMMIT;");
  restore_sql = g_string_free (g_steal_pointer (&sql), FALSE);
  data_version = keeper_data_version ();
}

static void
restore_if_written (void)
{
  gint64 version = keeper_data_version ();

  if (version == data_version)
    return;
  keeper_exec (restore_sql);
  data_version = version;
}

static int
hex_value (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* Undoes URL encoding in place: "+" is a space, "%XX" a byte (a NUL ends
 * the text there, as it does for the server), anything else stays. */
static void
unescape (char *text)
{
  char *out = text;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *out++ = ' ';
      else if (*p == '%' && hex_value (p[1]) >= 0 && hex_value (p[2]) >= 0)
        {
          *out++ = (char) (hex_value (p[1]) * 16 + hex_value (p[2]));
          p += 2;
        }
      else
        *out++ = *p;
    }
  *out = '\0';
}

/* A query string as the server's HTTP front hands it on: NAME=VALUE pairs
 * between "&", both unescaped, a name without "=" taken with an empty
 * value, and the first of a repeated name kept. */
static GHashTable *
decode_query (const char *text)
{
  GHashTable *query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = g_strsplit (text, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *name = pairs[i];
      char *eq = strchr (name, '=');
      const char *value = "";

      if (*name == '\0')
        continue;
      if (eq != NULL)
        {
          *eq = '\0';
          value = eq + 1;
          unescape (eq + 1);
        }
      unescape (name);
      if (!g_hash_table_contains (query, name))
        g_hash_table_insert (query, g_strdup (name), g_strdup (value));
    }
  return query;
}

/* The push a workstation of @site makes for its first records: a party
 * group, a member in it and, with @with_transfer, the member's transfer
 * to the neighbouring branch. */
static char *
seed_push (const char *batch_id,
           const char *site,
           const char *prefix,
           gboolean    with_transfer)
{
  GString *body = g_string_new (NULL);
  char hlc[3][EVG_HLC_TEXT_LEN + 1];
  g_autofree char *group = g_strconcat (prefix, "-group", NULL);
  g_autofree char *member = g_strconcat (prefix, "-member", NULL);
  g_autofree char *transfer = g_strconcat (prefix, "-transfer", NULL);
  g_auto(GStrv) ids = g_new0 (char *, 4);
  g_autofree char *member_fields = NULL;
  g_autofree char *transfer_fields = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (hlc); i++)
    {
      evg_hlc_format (evg_hlc_pack (SEED_MS, i), hlc[i]);
      ids[i] = g_strdup_printf ("%s-c%u", prefix, i + 1);
    }
  member_fields = g_strdup_printf ("{\"name\":\"张三\",\"gender\":\"male\",\"ethnicity\":\"汉族\","
                                   "\"id_number\":\"110105198001010016\",\"birth_date\":\"1980-01-01\","
                                   "\"category\":\"full\",\"party_group_id\":\"%s\","
                                   "\"joined_on\":\"2005-07-01\",\"phone\":\"13812345678\","
                                   "\"standing\":\"normal\",\"lost_contact\":0,\"mobile_member\":0}",
                                   group);
  transfer_fields = g_strdup_printf ("{\"member_id\":\"%s\",\"from_branch\":\"%s\","
                                     "\"to_branch\":\"%s\",\"status\":\"issued\","
                                     "\"issued_on\":\"2025-01-01\"}",
                                     member, BRANCH, NEIGHBOUR);

  g_string_append_printf (body, "{\"protocol\":%d,\"batch_id\":\"%s\",\"site\":\"%s\",\"epoch\":null,"
                          "\"changes\":[", EVG_SYNC_PROTOCOL_VERSION, batch_id, site);
  evg_sync_append_change (body, ids[0], "party_group", group, "insert",
                          "{\"name\":\"第一党小组\",\"sort_order\":0}", hlc[0], NULL, site, 0);
  g_string_append_c (body, ',');
  evg_sync_append_change (body, ids[1], "member", member, "insert", member_fields,
                          hlc[1], NULL, site, 0);
  if (with_transfer)
    {
      g_string_append_c (body, ',');
      evg_sync_append_change (body, ids[2], "transfer", transfer, "insert", transfer_fields,
                              hlc[2], NULL, site, 0);
    }
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

static void
push (const char *branch,
      const char *body)
{
  EvgServerReply reply = { 0 };

  evg_server_db_push (db, branch, body, strlen (body), &reply);
  if (reply.status != 200)
    g_printerr ("%u %s\n", reply.status, reply.body);
  evg_fuzz_check (reply.status == 200);
  g_free (reply.body);
}

/* The change ids of @branch's first page, or NULL if the answer is not a
 * page. */
static GPtrArray *
pull_ids (const char *branch)
{
  g_autoptr(GHashTable) query = decode_query ("since=0&limit=10000");
  g_autoptr(EvgSyncPullResponse) page = NULL;
  EvgServerReply reply = { 0 };
  GPtrArray *ids;

  evg_server_db_pull (db, branch, query, &reply);
  evg_fuzz_check (reply.status == 200);
  page = evg_sync_pull_response_parse (reply.body, strlen (reply.body), NULL);
  g_free (reply.body);
  evg_fuzz_check (page != NULL);
  ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < page->changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (page->changes, i);

      g_ptr_array_add (ids, g_strdup (change->change_id));
    }
  return ids;
}

/* What a failing answer must be: an error object, and never an internal
 * failure, which a request alone cannot cause on a sound disk. */
static void
check_error_answer (EvgServerReply *reply)
{
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *epoch = NULL;
  gint64 server_time;

  if (reply->status == 503)
    g_printerr ("internal failure: %s\n", reply->body);
  evg_fuzz_check (reply->status != 503);
  evg_fuzz_check (reply->status >= 400 && reply->status < 500);
  evg_fuzz_check (evg_sync_error_parse (reply->body, strlen (reply->body), &code, &message,
                                        &server_time, &epoch));
}

static void
check_pull_answer (EvgServerReply *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPullResponse) page = NULL;
  gint64 last = 0;

  if (reply->status != 200)
    {
      check_error_answer (reply);
      return;
    }
  page = evg_sync_pull_response_parse (reply->body, strlen (reply->body), &error);
  if (page == NULL)
    g_printerr ("%s\n%s\n", error->message, reply->body);
  evg_fuzz_check (page != NULL);
  evg_fuzz_check (g_str_equal (page->epoch, evg_server_db_get_epoch (db)));
  for (guint i = 0; i < page->changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (page->changes, i);

      evg_fuzz_check (change->seq > last);
      evg_fuzz_check (change->seq <= page->next);
      last = change->seq;
    }
}

/* The neighbour sees what it saw before, and besides that only transfers
 * naming it and members they moved to it. */
static void
check_neighbour (void)
{
  g_autoptr(GHashTable) query = decode_query ("since=0&limit=10000");
  g_autoptr(EvgSyncPullResponse) page = NULL;
  EvgServerReply reply = { 0 };
  guint seen = 0;

  evg_server_db_pull (db, NEIGHBOUR, query, &reply);
  evg_fuzz_check (reply.status == 200);
  page = evg_sync_pull_response_parse (reply.body, strlen (reply.body), NULL);
  g_free (reply.body);
  evg_fuzz_check (page != NULL);
  for (guint i = 0; i < page->changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (page->changes, i);

      if (seen < neighbour_ids->len &&
          g_str_equal (change->change_id, g_ptr_array_index (neighbour_ids, seen)))
        {
          seen++;
          continue;
        }
      if (!g_str_equal (change->table, "transfer") && !g_str_equal (change->site, "transfer"))
        g_printerr ("the neighbour branch sees %s of %s\n", change->change_id, change->table);
      evg_fuzz_check (g_str_equal (change->table, "transfer") || g_str_equal (change->site, "transfer"));
    }
  evg_fuzz_check (seen == neighbour_ids->len);
}

static void
check_push_answer (EvgServerReply *reply,
                   const char     *body,
                   gsize           size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushResponse) answer = NULL;
  g_autoptr(EvgSyncPushRequest) request = NULL;

  if (reply->status != 200)
    {
      check_error_answer (reply);
      return;
    }
  answer = evg_sync_push_response_parse (reply->body, strlen (reply->body), &error);
  if (answer == NULL)
    g_printerr ("%s\n%s\n", error->message, reply->body);
  evg_fuzz_check (answer != NULL);

  /* A batch the server has seen gets that batch's answer: only the seed
   * batches are stored, under ids no other batch of the corpus uses. */
  request = evg_sync_push_request_parse (body, size, NULL);
  evg_fuzz_check (request != NULL);
  if (!g_str_has_prefix (request->batch_id, "seed-"))
    {
      evg_fuzz_check (g_str_equal (answer->batch_id, request->batch_id));
      evg_fuzz_check (answer->results->len == request->changes->len);
      for (guint i = 0; i < answer->results->len; i++)
        {
          EvgSyncResult *result = g_ptr_array_index (answer->results, i);
          EvgSyncChange *change = g_ptr_array_index (request->changes, i);

          evg_fuzz_check (g_str_equal (result->change_id, change->change_id));
        }
    }

  /* What was applied is served to the branch as a page its client reads,
   * and to the neighbour not at all. */
  {
    g_autoptr(GHashTable) query = decode_query ("since=0&limit=10000&site=" SITE);
    EvgServerReply page = { 0 };

    evg_server_db_pull (db, BRANCH, query, &page);
    check_pull_answer (&page);
    g_free (page.body);
  }
  check_neighbour ();
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  sqlite3 *setup = NULL;

  evg_fuzz_init_logging ();
  scratch_dir = evg_fuzz_make_scratch_dir ("evg-fuzz-server");
  atexit (remove_scratch);
  db_path = g_build_filename (scratch_dir, "server.db", NULL);

  db = evg_server_db_open (db_path, &error);
  if (db == NULL)
    g_printerr ("%s\n", error->message);
  evg_fuzz_check (db != NULL);
  token = evg_server_db_add_branch (db, BRANCH, "某某社区第一党支部", &error);
  evg_fuzz_check (token != NULL);
  g_free (token);
  token = evg_server_db_add_branch (db, NEIGHBOUR, "某某社区第二党支部", &error);
  evg_fuzz_check (token != NULL);

  /* The epoch is set before the server reads it; were the table to be
   * renamed, the random one would do, less well. */
  evg_server_db_free (db);
  evg_fuzz_check (sqlite3_open_v2 (db_path, &setup, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
  if (sqlite3_exec (setup, "UPDATE meta SET value = '" EPOCH "' WHERE key = 'epoch'",
                    NULL, NULL, NULL) != SQLITE_OK)
    g_printerr ("fuzz-server-request: the epoch is not fixed: %s\n", sqlite3_errmsg (setup));
  sqlite3_close (setup);
  db = evg_server_db_open (db_path, &error);
  evg_fuzz_check (db != NULL);

  ours = seed_push ("seed-ours", SITE, "a", TRUE);
  theirs = seed_push ("seed-theirs", NEIGHBOUR_SITE, "b", FALSE);
  push (BRANCH, ours);
  push (NEIGHBOUR, theirs);
  neighbour_ids = pull_ids (NEIGHBOUR);

  keep_snapshot ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  EvgServerReply reply = { 0 };

  /* The server's one use of randomness (pruning stored answers now and
   * then) takes the same turn for the same input. */
  g_random_set_seed (1);

  if (size > 0 && data[0] == '{')
    {
      evg_server_db_push (db, BRANCH, (const char *) data, size, &reply);
      check_push_answer (&reply, (const char *) data, size);
    }
  else
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autoptr(GHashTable) query = size > 0 ? decode_query (text) : NULL;

      evg_server_db_pull (db, BRANCH, query, &reply);
      check_pull_answer (&reply);
    }
  g_free (reply.body);
  restore_if_written ();
  return 0;
}
