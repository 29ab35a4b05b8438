/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming JSON reader and the protocol readers built on it. */

#include <string.h>

#include "evg-field-set.h"
#include "evg-json.h"
#include "evg-sync-protocol.h"

/* Walks any document with the reader alone; TRUE when it is valid. */
static gboolean
valid (const char *text)
{
  EvgJsonReader reader;

  evg_json_reader_init (&reader, text, strlen (text));
  return evg_json_reader_skip (&reader) && evg_json_reader_end (&reader);
}

/* Writing a string escapes exactly what JSON asks for, wherever it is in
 * the text, and the reader gives the text back. */
static void
test_write_string (void)
{
  const char *texts[] = { "", "张三", "a\"b", "\\", "x\ny\r\tz", "\001 end", "中\"", "\"中" };
  const char *expected[] = { "\"\"", "\"张三\"", "\"a\\\"b\"", "\"\\\\\"", "\"x\\ny\\r\\tz\"",
                             "\"\\u0001 end\"", "\"中\\\"\"", "\"\\\"中\"" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(GString) back = g_string_new (NULL);
      EvgJsonReader reader;

      evg_json_append_string (out, texts[i]);
      g_assert_cmpstr (out->str, ==, expected[i]);
      evg_json_reader_init (&reader, out->str, out->len);
      g_assert_true (evg_json_reader_read_string (&reader, back));
      g_assert_true (evg_json_reader_end (&reader));
      g_assert_cmpstr (back->str, ==, texts[i]);
    }
}

static void
test_grammar (void)
{
  const char *good[] = {
    "{}", "[]", "0", "-0", "12", "-3.25e+10", "1E5", "true", "false", "null", "\"\"",
    " { \"a\" : [ 1 , 2 , { } ] , \"b\" : null } ", "[[[[[[[1]]]]]]]",
    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u4e2d\\ud83d\\ude00\"", "\"中文\"",
  };
  const char *bad[] = {
    "", " ", "{", "}", "[1,]", "{\"a\":1,}", "[,1]", "{,}", "{\"a\" 1}", "{a:1}", "01", "-",
    "1.", "1e", ".5", "+1", "tru", "nul", "True", "[1 2]", "{} {}", "\"abc", "\"\\x\"",
    "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\u0000\"",
    "\"a\tb\"", "\"\xff\"", "\"\xe4\xb8\"", "[[[[[[[[[1]]]]]]]]]", "[1]]", "{\"a\":[1}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (valid (good[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (valid (bad[i]))
        g_error ("accepted %s", bad[i]);
    }
}

static void
test_values (void)
{
  const char *text = "{\"s\":\"x\\u4e2d\\ud83d\\ude00\",\"n\":-9223372036854775808,"
                     "\"big\":9223372036854775808,\"f\":1.5,\"b\":true,\"z\":null}";
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) value = g_string_new (NULL);
  EvgJsonReader reader;
  gboolean is_int, flag;
  gint64 number;

  evg_json_reader_init (&reader, text, strlen (text));
  g_assert_true (evg_json_reader_begin_object (&reader));

  g_assert_true (evg_json_reader_next_member (&reader, name));
  g_assert_cmpstr (name->str, ==, "s");
  g_assert_true (evg_json_reader_read_string (&reader, value));
  g_assert_cmpstr (value->str, ==, "x中😀");

  g_assert_true (evg_json_reader_next_member (&reader, name));
  g_assert_true (evg_json_reader_read_int (&reader, &number));
  g_assert_cmpint (number, ==, G_MININT64);

  /* Too big for 64 bits, or a fraction: valid JSON, but not a whole number. */
  g_assert_true (evg_json_reader_next_member (&reader, name));
  g_assert_true (evg_json_reader_read_number (&reader, &number, &is_int));
  g_assert_false (is_int);
  g_assert_true (evg_json_reader_next_member (&reader, name));
  g_assert_true (evg_json_reader_read_number (&reader, &number, &is_int));
  g_assert_false (is_int);

  g_assert_true (evg_json_reader_next_member (&reader, name));
  g_assert_cmpint (evg_json_reader_peek (&reader), ==, EVG_JSON_BOOLEAN);
  g_assert_true (evg_json_reader_read_boolean (&reader, &flag));
  g_assert_true (flag);

  g_assert_true (evg_json_reader_next_member (&reader, name));
  g_assert_cmpstr (name->str, ==, "z");
  g_assert_true (evg_json_reader_read_null (&reader));
  g_assert_false (evg_json_reader_next_member (&reader, name));
  g_assert_null (reader.error);
  g_assert_true (evg_json_reader_end (&reader));
}

static const char push_body[] =
  "{\"protocol\":1,\"batch_id\":\"b1\",\"site\":\"s1\",\"epoch\":null,\"future\":{\"x\":[1]},"
  "\"changes\":[{\"change_id\":\"c1\",\"table\":\"member\",\"row_id\":\"r1\",\"op\":\"insert\","
  "\"fields\":{\"name\":\"张\\\"三\\n\",\"is_floating\":true,\"dues_cents\":  1200,\"note\":null},"
  "\"hlc\":\"0000000000000001\",\"base_hlc\":null,\"site\":\"s1\"}]}";

static void
test_push_request (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushRequest) request = evg_sync_push_request_parse (push_body, strlen (push_body),
                                                                       &error);
  EvgSyncChange *change;
  JsonObject *fields;

  g_assert_no_error (error);
  g_assert_cmpint (request->protocol, ==, 1);
  g_assert_cmpstr (request->batch_id, ==, "b1");
  g_assert_null (request->epoch);
  g_assert_cmpuint (request->changes->len, ==, 1);
  change = g_ptr_array_index (request->changes, 0);
  g_assert_cmpint (change->op, ==, EVG_SYNC_OP_INSERT);
  g_assert_null (change->base_hlc);

  /* Written the way the outbox and the server's log write fields. */
  g_assert_cmpstr (change->fields_json, ==,
                   "{\"name\":\"张\\\"三\\n\",\"is_floating\":1,\"dues_cents\":1200,\"note\":null}");
  g_assert_cmpuint (change->n_values, ==, 4);
  g_assert_cmpstr (change->values[0].text, ==, "张\"三\n");
  g_assert_cmpint (change->values[1].type, ==, EVG_SYNC_VALUE_BOOLEAN);
  g_assert_cmpint (change->values[2].number, ==, 1200);
  g_assert_cmpint (change->values[3].type, ==, EVG_SYNC_VALUE_NULL);

  fields = evg_sync_change_get_fields (change);
  g_assert_cmpstr (json_object_get_string_member (fields, "name"), ==, "张\"三\n");
  g_assert_true (json_object_get_boolean_member (fields, "is_floating"));
  g_assert_true (evg_sync_change_get_fields (change) == fields);
}

/* Fields are stored and served as the server writes them, whatever escapes
 * the client chose: text without escapes is copied as it came, text with
 * them is written anew. */
static void
test_fields_canonical (void)
{
  static const char body[] =
    "{\"protocol\":1,\"batch_id\":\"b\",\"site\":\"s\",\"changes\":[{\"change_id\":\"c\","
    "\"table\":\"t\",\"row_id\":\"r\",\"op\":\"insert\",\"hlc\":\"h\",\"site\":\"s\","
    "\"fields\":{\"a\\u0062\":\"x\\/y\\u00e9\\t\",\"n\":-42,\"big\":-9223372036854775808,"
    "\"plain\":\"纯文本 / text\",\"\":\"\"}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushRequest) request = evg_sync_push_request_parse (body, strlen (body), &error);
  EvgSyncChange *change;

  g_assert_no_error (error);
  change = g_ptr_array_index (request->changes, 0);
  g_assert_cmpstr (change->fields_json, ==,
                   "{\"ab\":\"x/y\u00e9\\t\",\"n\":-42,\"big\":-9223372036854775808,"
                   "\"plain\":\"纯文本 / text\",\"\":\"\"}");
  g_assert_cmpstr (change->values[0].name, ==, "ab");
  g_assert_cmpstr (change->values[0].text, ==, "x/y\u00e9\t");
  g_assert_cmpint (change->values[2].number, ==, G_MININT64);
}

/* Ids are 1 to EVG_SYNC_MAX_ID_LEN letters, digits, “-”, “_” and “.”. */
static void
test_id_is_valid (void)
{
  g_autofree char *longest = g_strnfill (EVG_SYNC_MAX_ID_LEN, 'a');
  g_autofree char *too_long = g_strnfill (EVG_SYNC_MAX_ID_LEN + 1, 'a');

  g_assert_true (evg_sync_id_is_valid ("0190f3a2-7c1e-7d0b-9a51-2f0c8e6b1d4e"));
  g_assert_true (evg_sync_id_is_valid ("a.b_c-1"));
  g_assert_true (evg_sync_id_is_valid (longest));
  g_assert_false (evg_sync_id_is_valid (too_long));
  g_assert_false (evg_sync_id_is_valid (""));
  g_assert_false (evg_sync_id_is_valid (NULL));
  g_assert_false (evg_sync_id_is_valid ("a b"));
  g_assert_false (evg_sync_id_is_valid ("a/b"));
  g_assert_false (evg_sync_id_is_valid ("张三"));
}

/* A change with more fields than any table has columns is refused before
 * its names are compared with each other. */
static void
test_too_many_fields (void)
{
  g_autoptr(GString) body = g_string_new ("{\"protocol\":1,\"batch_id\":\"b\",\"site\":\"s\","
                                          "\"changes\":[{\"change_id\":\"c\",\"table\":\"t\","
                                          "\"row_id\":\"r\",\"op\":\"insert\",\"hlc\":\"h\","
                                          "\"site\":\"s\",\"fields\":{");
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushRequest) request = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (body, "%s\"f%u\":1", i > 0 ? "," : "", i);
  g_string_append (body, "}}]}");
  request = evg_sync_push_request_parse (body->str, body->len, &error);
  g_assert_null (request);
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE);
  g_assert_true (strstr (error->message, "fields") != NULL);
}

static void
test_push_request_refused (void)
{
  struct { const char *body; gboolean json; } cases[] = {
    { "[1,2]", FALSE },
    { "[[[[[[[[[[[[[[[[[[[[", TRUE },
    { "{\"protocol\":\"1\",\"batch_id\":\"b\",\"site\":\"s\",\"changes\":[]}", FALSE },
    { "{\"protocol\":1.5,\"batch_id\":\"b\",\"site\":\"s\",\"changes\":[]}", FALSE },
    { "{\"protocol\":1,\"batch_id\":null,\"site\":\"s\",\"changes\":[]}", FALSE },
    { "{\"protocol\":1,\"batch_id\":\"b\",\"site\":\"s\"}", FALSE },
    { "{\"protocol\":1,\"batch_id\":\"b\",\"site\":\"s\",\"changes\":{}}", FALSE },
    { "{\"protocol\":1,\"batch_id\":\"b\",\"site\":\"s\",\"changes\":[]} x", TRUE },
    /* A column named twice, and fields given twice. */
    { "{\"protocol\":1,\"batch_id\":\"b\",\"site\":\"s\",\"changes\":[{\"change_id\":\"c\","
      "\"table\":\"t\",\"row_id\":\"r\",\"op\":\"insert\",\"hlc\":\"h\",\"site\":\"s\","
      "\"fields\":{\"a\":1,\"a\":2}}]}", FALSE },
    { "{\"protocol\":1,\"batch_id\":\"b\",\"site\":\"s\",\"changes\":[{\"change_id\":\"c\","
      "\"table\":\"t\",\"row_id\":\"r\",\"op\":\"insert\",\"hlc\":\"h\",\"site\":\"s\","
      "\"fields\":{},\"fields\":{}}]}", FALSE },
    { "{\"protocol\":1,\"batch_id\":\"b\",\"site\":\"s\",\"changes\":[{\"change_id\":\"c\","
      "\"table\":\"t\",\"row_id\":\"r\",\"op\":\"upsert\",\"hlc\":\"h\",\"site\":\"s\","
      "\"fields\":{}}]}", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EvgSyncPushRequest) request = evg_sync_push_request_parse (cases[i].body,
                                                                           strlen (cases[i].body),
                                                                           &error);
      g_assert_null (request);
      g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE);
      if (g_str_has_prefix (error->message, "Malformed JSON") != cases[i].json)
        g_error ("case %" G_GSIZE_FORMAT ": %s", i, error->message);
    }
}

/* Every cut of a valid body is refused cleanly: nothing half read leaks
 * or is taken as whole (valgrind and ASan run this too). */
static void
test_truncated (void)
{
  gsize len = strlen (push_body);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EvgSyncPushRequest) request = evg_sync_push_request_parse (push_body, cut, &error);

      g_assert_null (request);
      g_assert_nonnull (error);
    }
}

static void
test_pull_response (void)
{
  const char *body = "{\"epoch\":\"e\",\"server_time\":5,\"changes\":[{\"change_id\":\"c\","
                     "\"table\":\"member\",\"row_id\":\"r\",\"op\":\"update\",\"fields\":{\"x\":[1]},"
                     "\"hlc\":\"h\",\"base_hlc\":\"g\",\"site\":\"s\",\"seq\":7}],\"next\":7,"
                     "\"has_more\":false}";
  const char *no_seq = "{\"epoch\":\"e\",\"changes\":[{\"change_id\":\"c\",\"table\":\"member\","
                       "\"row_id\":\"r\",\"op\":\"update\",\"fields\":{},\"hlc\":\"h\","
                       "\"site\":\"s\"}],\"next\":7,\"has_more\":false}";
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPullResponse) page = evg_sync_pull_response_parse (body, strlen (body), &error);
  g_autoptr(EvgSyncPullResponse) refused = NULL;
  EvgSyncChange *change;

  g_assert_no_error (error);
  g_assert_cmpint (page->next, ==, 7);
  g_assert_false (page->has_more);
  change = g_ptr_array_index (page->changes, 0);
  g_assert_cmpint (change->seq, ==, 7);
  /* An array in a column is kept, marked, and refused by validation alone. */
  g_assert_cmpint (change->values[0].type, ==, EVG_SYNC_VALUE_OTHER);
  g_assert_cmpstr (change->fields_json, ==, "{\"x\":null}");

  refused = evg_sync_pull_response_parse (no_seq, strlen (no_seq), &error);
  g_assert_null (refused);
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE);
}

static void
test_push_response (void)
{
  const char *body = "{\"batch_id\":\"b\",\"epoch\":\"e\",\"server_time\":1,\"results\":["
                     "{\"change_id\":\"c1\",\"status\":\"applied\",\"seq\":3},"
                     "{\"change_id\":\"c2\",\"status\":\"conflict\",\"kind\":\"identity\","
                     "\"remote\":{\"name\":\"李四\",\"flag\":false}},"
                     "{\"change_id\":\"c3\",\"status\":\"rejected\",\"reason\":\"not_owner\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushResponse) response = evg_sync_push_response_parse (body, strlen (body), &error);
  EvgSyncResult *result;

  g_assert_no_error (error);
  g_assert_cmpuint (response->results->len, ==, 3);
  result = g_ptr_array_index (response->results, 1);
  g_assert_cmpint (result->status, ==, EVG_SYNC_STATUS_CONFLICT);
  g_assert_cmpstr (result->remote, ==, "{\"name\":\"李四\",\"flag\":0}");
  result = g_ptr_array_index (response->results, 2);
  g_assert_cmpstr (result->reason, ==, "not_owner");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/grammar", test_grammar);
  g_test_add_func ("/json/write-string", test_write_string);
  g_test_add_func ("/json/values", test_values);
  g_test_add_func ("/json/push-request", test_push_request);
  g_test_add_func ("/json/push-request-refused", test_push_request_refused);
  g_test_add_func ("/json/fields-canonical", test_fields_canonical);
  g_test_add_func ("/json/truncated", test_truncated);
  g_test_add_func ("/json/id-is-valid", test_id_is_valid);
  g_test_add_func ("/json/too-many-fields", test_too_many_fields);
  g_test_add_func ("/json/pull-response", test_pull_response);
  g_test_add_func ("/json/push-response", test_push_response);
  return g_test_run ();
}
