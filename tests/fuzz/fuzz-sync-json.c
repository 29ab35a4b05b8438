/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-fuzz"

#include "config.h"

#include <string.h>

#include "evg-field-set.h"
#include "evg-fuzz.h"
#include "evg-json.h"
#include "evg-sync-protocol.h"

/* The sync protocol's readers, on any bytes: the server's reader of push
 * requests and the client's readers of push and pull answers (the
 * streaming ones over EvgJsonReader), and the small json-glib ones for
 * health and error answers.  Each input goes through all of them.  Beyond
 * memory errors it checks what the rest of the program relies on: a
 * change's fields text is what evg_sync_append_fields() would write, and
 * what was read, written again by the protocol's own writers, reads back
 * the same. */

/* Reads any value with the reader's typed calls, as the protocol's readers
 * do, rather than with evg_json_reader_skip(). */
static gboolean
walk (EvgJsonReader *reader,
      GString       *scratch)
{
  gint64 number;
  gboolean flag;

  switch (evg_json_reader_peek (reader))
    {
    case EVG_JSON_NULL:
      return evg_json_reader_read_null (reader);
    case EVG_JSON_BOOLEAN:
      return evg_json_reader_read_boolean (reader, &flag);
    case EVG_JSON_NUMBER:
      return evg_json_reader_read_number (reader, &number, &flag);
    case EVG_JSON_STRING:
      if (!evg_json_reader_read_string (reader, scratch))
        return FALSE;
      /* What a string decodes to is UTF-8 without a NUL in it. */
      evg_fuzz_check (strlen (scratch->str) == scratch->len);
      evg_fuzz_check (g_utf8_validate (scratch->str, (gssize) scratch->len, NULL));
      return TRUE;
    case EVG_JSON_OBJECT:
      if (!evg_json_reader_begin_object (reader))
        return FALSE;
      while (evg_json_reader_next_member (reader, scratch))
        if (!walk (reader, scratch))
          return FALSE;
      return reader->error == NULL;
    case EVG_JSON_ARRAY:
      if (!evg_json_reader_begin_array (reader))
        return FALSE;
      while (evg_json_reader_next_element (reader))
        if (!walk (reader, scratch))
          return FALSE;
      return reader->error == NULL;
    case EVG_JSON_INVALID:
    default:
      return FALSE;
    }
}

/* The typed walk and evg_json_reader_skip() must agree on whether the text
 * is one JSON value, and where a valid one ends. */
static void
check_reader (const char *data,
              gsize       size)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  EvgJsonReader walked, skipped;
  gboolean walk_ok, skip_ok;

  evg_json_reader_init (&walked, data, size);
  walk_ok = walk (&walked, scratch) && evg_json_reader_end (&walked);
  evg_json_reader_init (&skipped, data, size);
  skip_ok = evg_json_reader_skip (&skipped) && evg_json_reader_end (&skipped);

  evg_fuzz_check (walk_ok == skip_ok);
  evg_fuzz_check (evg_json_reader_offset (&walked) <= size);
  evg_fuzz_check (evg_json_reader_offset (&skipped) <= size);
  if (walk_ok)
    evg_fuzz_check (evg_json_reader_offset (&walked) == evg_json_reader_offset (&skipped));
}

/* The fields text of a change read from a body is the one
 * evg_sync_append_fields() writes for its values, but for the order of the
 * members: json-glib's object iterator (1.6, Debian 12) goes in the order
 * of its hash table, not in the order the members were set. */
static void
check_fields (EvgSyncChange *change)
{
  g_autoptr(GString) written = g_string_new (NULL);
  g_autoptr(JsonNode) read_node = NULL;
  g_autoptr(JsonNode) written_node = NULL;

  if (change->stub)
    return;
  evg_fuzz_check (change->fields_json != NULL);
  evg_sync_append_fields (written, evg_sync_change_get_fields (change));
  evg_fuzz_check (written->len == strlen (change->fields_json));
  read_node = json_from_string (change->fields_json, NULL);
  written_node = json_from_string (written->str, NULL);
  evg_fuzz_check (read_node != NULL && written_node != NULL);
  if (!json_node_equal (read_node, written_node))
    g_printerr ("read:    %s\nwritten: %s\n", change->fields_json, written->str);
  evg_fuzz_check (json_node_equal (read_node, written_node));
}

static void
append_change (GString       *out,
               EvgSyncChange *change)
{
  if (change->stub)
    evg_sync_append_stub (out, change->change_id, change->seq);
  else
    evg_sync_append_change (out, change->change_id, change->table, change->row_id,
                            evg_sync_op_to_string (change->op), change->fields_json,
                            change->hlc, change->base_hlc, change->site, change->seq);
}

static void
check_same_change (EvgSyncChange *a,
                   EvgSyncChange *b)
{
  evg_fuzz_check (a->stub == b->stub);
  evg_fuzz_check (g_strcmp0 (a->change_id, b->change_id) == 0);
  /* The writers leave out a sequence number that is not positive. */
  evg_fuzz_check (a->seq > 0 ? b->seq == a->seq : b->seq == 0);
  if (a->stub)
    return;
  evg_fuzz_check (g_strcmp0 (a->table, b->table) == 0);
  evg_fuzz_check (g_strcmp0 (a->row_id, b->row_id) == 0);
  evg_fuzz_check (a->op == b->op);
  evg_fuzz_check (g_strcmp0 (a->hlc, b->hlc) == 0);
  evg_fuzz_check (g_strcmp0 (a->base_hlc, b->base_hlc) == 0);
  evg_fuzz_check (g_strcmp0 (a->site, b->site) == 0);
  evg_fuzz_check (g_strcmp0 (a->fields_json, b->fields_json) == 0);
  evg_fuzz_check (a->n_values == b->n_values);
}

static void
check_changes (GPtrArray *changes)
{
  for (guint i = 0; i < changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (changes, i);
      g_autoptr(GError) error = NULL;

      check_fields (change);
      /* The server's check on every change it is sent: any verdict will
       * do, as long as it is reached safely. */
      if (!change->stub)
        evg_sync_change_validate (change, &error);
    }
}

static void
check_push_request (const char *data,
                    gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushRequest) request = evg_sync_push_request_parse (data, size, &error);
  g_autoptr(EvgSyncPushRequest) again = NULL;
  g_autoptr(GString) body = NULL;

  evg_fuzz_check ((request == NULL) == (error != NULL));
  if (request == NULL)
    return;
  check_changes (request->changes);

  /* The body the client would send for what was read. */
  body = g_string_new (NULL);
  g_string_append_printf (body, "{\"protocol\":%d,\"batch_id\":", request->protocol);
  evg_json_append_string (body, request->batch_id);
  g_string_append (body, ",\"site\":");
  evg_json_append_string (body, request->site);
  g_string_append (body, ",\"epoch\":");
  if (request->epoch != NULL)
    evg_json_append_string (body, request->epoch);
  else
    g_string_append (body, "null");
  g_string_append (body, ",\"changes\":[");
  for (guint i = 0; i < request->changes->len; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      append_change (body, g_ptr_array_index (request->changes, i));
    }
  g_string_append (body, "]}");

  again = evg_sync_push_request_parse (body->str, body->len, &error);
  if (again == NULL)
    g_printerr ("%s\n%s\n", error->message, body->str);
  evg_fuzz_check (again != NULL);
  evg_fuzz_check (again->protocol == request->protocol);
  evg_fuzz_check (g_str_equal (again->batch_id, request->batch_id));
  evg_fuzz_check (g_str_equal (again->site, request->site));
  evg_fuzz_check (g_strcmp0 (again->epoch, request->epoch) == 0);
  evg_fuzz_check (again->changes->len == request->changes->len);
  for (guint i = 0; i < request->changes->len; i++)
    {
      EvgSyncChange *a = g_ptr_array_index (request->changes, i);

      /* Only a pull answer has stubs. */
      evg_fuzz_check (!a->stub);
      check_same_change (a, g_ptr_array_index (again->changes, i));
    }
}

static void
check_pull_response (const char *data,
                     gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPullResponse) response = evg_sync_pull_response_parse (data, size, &error);
  g_autoptr(EvgSyncPullResponse) again = NULL;
  g_autoptr(GString) body = NULL;

  evg_fuzz_check ((response == NULL) == (error != NULL));
  if (response == NULL)
    return;
  check_changes (response->changes);

  /* The writers only write positive sequence numbers, as the server's
   * log has no others: a page with any other cannot be written again. */
  for (guint i = 0; i < response->changes->len; i++)
    if (((EvgSyncChange *) g_ptr_array_index (response->changes, i))->seq <= 0)
      return;

  /* The page as the server would write it. */
  body = g_string_new ("{\"epoch\":");
  evg_json_append_string (body, response->epoch);
  g_string_append_printf (body, ",\"server_time\":%" G_GINT64_FORMAT ",\"changes\":[",
                          response->server_time);
  for (guint i = 0; i < response->changes->len; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      append_change (body, g_ptr_array_index (response->changes, i));
    }
  g_string_append_printf (body, "],\"next\":%" G_GINT64_FORMAT ",\"has_more\":%s}\n",
                          response->next, response->has_more ? "true" : "false");

  again = evg_sync_pull_response_parse (body->str, body->len, &error);
  if (again == NULL)
    g_printerr ("%s\n%s\n", error->message, body->str);
  evg_fuzz_check (again != NULL);
  evg_fuzz_check (g_str_equal (again->epoch, response->epoch));
  evg_fuzz_check (again->server_time == response->server_time);
  evg_fuzz_check (again->next == response->next);
  evg_fuzz_check (again->has_more == response->has_more);
  evg_fuzz_check (again->changes->len == response->changes->len);
  for (guint i = 0; i < response->changes->len; i++)
    check_same_change (g_ptr_array_index (response->changes, i),
                       g_ptr_array_index (again->changes, i));
}

static void
check_push_response (const char *data,
                     gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushResponse) response = evg_sync_push_response_parse (data, size, &error);

  evg_fuzz_check ((response == NULL) == (error != NULL));
  if (response == NULL)
    return;
  for (guint i = 0; i < response->results->len; i++)
    {
      EvgSyncResult *result = g_ptr_array_index (response->results, i);

      evg_fuzz_check (result->change_id != NULL);
      evg_fuzz_check (evg_sync_status_to_string (result->status) != NULL);
      /* The remote values are kept as JSON text, which must read again. */
      if (result->remote != NULL)
        {
          EvgJsonReader reader;

          evg_json_reader_init (&reader, result->remote, strlen (result->remote));
          evg_fuzz_check (evg_json_reader_skip (&reader) && evg_json_reader_end (&reader));
        }
    }
}

static void
check_small_answers (const char *data,
                     gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncHealth) health = evg_sync_health_parse (data, size, &error);
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *epoch = NULL;
  gint64 server_time;

  evg_fuzz_check ((health == NULL) == (error != NULL));
  if (evg_sync_error_parse (data, size, &code, &message, &server_time, &epoch))
    evg_fuzz_check (code != NULL);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  evg_fuzz_init_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  check_reader (text, size);
  check_push_request (text, size);
  check_push_response (text, size);
  check_pull_response (text, size);
  check_small_answers (text, size);
  return 0;
}
