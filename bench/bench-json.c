/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sync protocol's hand-written streaming reader (evg-json.c, through
 * evg_sync_push_request_parse(), which the server runs on every push)
 * against json-glib, on the same bytes: one push of 5,000 member inserts
 * with every column filled, the body of a first upload.  Issue #11 keeps
 * the reader for sync bodies only while it is the faster.
 *
 * json-glib is timed twice: JsonParser alone, and JsonParser followed by
 * the walk a push parser needs on top of it, which checks each member's
 * type and writes each change's fields out again as text (the server logs
 * that text, and the streaming reader hands it out as it reads).  Each run
 * counts until its result is freed.  Runs alternate between the readers,
 * as this shared machine's speed drifts.  Prints JSON.
 *
 * Usage: bench-json [RUNS] */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "evg-bench-members.h"
#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-sync-protocol.h"

#define N_CHANGES 5000
#define SITE      "0f3c9a4e5b6d7e8f9a0b1c2d3e4f5a6b"

/* Sets every column of the member table, with values of the forms the
 * roster stores (the protocol's validation is run on them below). */
static void
fill_member (EvgFieldSet *set,
             GRand       *rand,
             guint        i)
{
  const char *surname = evg_bench_surnames[g_rand_int_range (rand, 0, G_N_ELEMENTS (evg_bench_surnames))];
  const char *given = evg_bench_given[g_rand_int_range (rand, 0, G_N_ELEMENTS (evg_bench_given))];
  const char *given2 = evg_bench_given[g_rand_int_range (rand, 0, G_N_ELEMENTS (evg_bench_given))];
  g_autofree char *name = g_strconcat (surname, given, given2, NULL);
  guint year = 1950 + i % 50, month = 1 + i % 12, day = 1 + i % 28;
  gboolean male = i % 2 == 1;
  char id_number[19];
  char date[11];
  g_autofree char *group = g_strdup_printf ("5d0c9b1e-7a42-4c8e-9f10-%012u", i % 10);
  g_autofree char *joined = g_strdup_printf ("%u-07-01", year + 22);
  g_autofree char *full = g_strdup_printf ("%u-07-01", year + 23);
  g_autofree char *phone = g_strdup_printf ("1%u%09u", 3 + i % 7, g_rand_int_range (rand, 0, 1000000000));
  g_autofree char *address = g_strdup_printf ("北京市东城区某某街道某某社区 %u 号楼 %u 单元 %u 室",
                                              1 + i % 40, 1 + i % 6, 101 + i % 600);
  g_autofree char *note = g_strdup_printf ("联系人：\"%s\"的女儿\n电话同上 \\ 第%u号", name, i);

  g_snprintf (id_number, sizeof id_number, "110101%04u%02u%02u%02u%u", year, month, day, i / 100 % 100,
              male ? 1 + 2 * (i % 5) : 2 * (i % 5));
  id_number[17] = evg_id_number_check_char (id_number);
  id_number[18] = '\0';
  g_snprintf (date, sizeof date, "%04u-%02u-%02u", year, month, day);

  evg_field_set_clear (set);
  evg_field_set_set (set, "name", name);
  evg_field_set_set (set, "gender", male ? "male" : "female");
  evg_field_set_set (set, "ethnicity", i % 10 == 0 ? "回族" : "汉族");
  evg_field_set_set (set, "id_number", id_number);
  evg_field_set_set (set, "birth_date", date);
  evg_field_set_set (set, "education", i % 3 == 0 ? "college" : "bachelor");
  evg_field_set_set (set, "category", "full");
  evg_field_set_set (set, "party_group_id", group);
  evg_field_set_set (set, "joined_on", joined);
  evg_field_set_set (set, "full_member_on", full);
  evg_field_set_set (set, "occupation", "社区工作者");
  evg_field_set_set (set, "phone", phone);
  evg_field_set_set (set, "address", address);
  evg_field_set_set (set, "standing", "normal");
  evg_field_set_set_int (set, "lost_contact", 0);
  evg_field_set_set (set, "lost_contact_on", "2024-03-15");
  evg_field_set_set_int (set, "mobile_member", i % 50 == 0);
  evg_field_set_set (set, "mobile_destination", "广东省深圳市南山区");
  evg_field_set_set (set, "party_post", "党小组组长");
  evg_field_set_set (set, "work_unit", "某某街道办事处 科员");
  evg_field_set_set (set, "community", "某某社区");
  evg_field_set_set (set, "dues_monthly", "12.50");
  evg_field_set_set (set, "dues_paid_until", "2026-06");
  evg_field_set_set (set, "note", note);
  evg_field_set_set (set, "left_reason", "transferred");
  evg_field_set_set (set, "left_on", "2025-12-31");
}

/* The body a workstation sends, written by the protocol's own writers. */
static GString *
make_push_body (void)
{
  g_autoptr(EvgFieldSet) set = evg_field_set_new_for ("member");
  g_autoptr(GString) fields = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);
  GString *body = g_string_sized_new (N_CHANGES * 1024);
  gint64 ms = G_GINT64_CONSTANT (1764300000000);

  g_string_append_printf (body, "{\"protocol\":%d,\"batch_id\":\"%s\",\"site\":\"%s\",\"epoch\":null,"
                                "\"changes\":[",
                          EVG_SYNC_PROTOCOL_VERSION, "b7e0a1c2-3d4e-4f50-8a6b-7c8d9e0f1a2b", SITE);
  for (guint i = 0; i < N_CHANGES; i++)
    {
      g_autofree char *change_id = g_strdup_printf ("9a1b2c3d-4e5f-4a6b-8c7d-%012u", i);
      g_autofree char *row_id = g_strdup_printf ("e1d2c3b4-a5f6-4e7d-9c8b-%012u", i);
      char hlc[EVG_HLC_TEXT_LEN + 1];

      fill_member (set, rand, i);
      g_string_truncate (fields, 0);
      evg_field_set_append_json (set, fields);
      /* An import of 5,000 rows takes a few hundred milliseconds. */
      evg_hlc_format (evg_hlc_pack (ms + i / 16, i % 16), hlc);
      if (i > 0)
        g_string_append_c (body, ',');
      evg_sync_append_change (body, change_id, "member", row_id, "insert", fields->str, hlc, NULL,
                              SITE, 0);
    }
  g_string_append (body, "]}");
  return body;
}

/* What a push parser on json-glib has to do once the tree is built: the
 * envelope's and each change's members with their types checked, and the
 * change's fields as the text the server logs, into @fields one change a
 * line.  (The ids it leaves in the tree; the streaming reader copies them
 * out.)  Returns the number of changes, or 0 when something has the wrong
 * type. */
static guint
walk_push_tree (JsonNode *root,
                GString  *fields)
{
  static const char * const ids[] = { "change_id", "table", "row_id", "op", "hlc", "site" };
  JsonObject *request;
  JsonArray *changes;
  guint n;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  request = json_node_get_object (root);
  if (json_object_get_int_member_with_default (request, "protocol", 0) != EVG_SYNC_PROTOCOL_VERSION ||
      json_object_get_string_member_with_default (request, "batch_id", NULL) == NULL ||
      json_object_get_string_member_with_default (request, "site", NULL) == NULL ||
      !json_object_has_member (request, "epoch"))
    return 0;
  changes = json_object_get_array_member (request, "changes");
  if (changes == NULL)
    return 0;

  g_string_truncate (fields, 0);
  n = json_array_get_length (changes);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (changes, i);
      JsonObject *change, *values;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;
      gboolean first = TRUE;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return 0;
      change = json_node_get_object (node);
      for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
        if (json_object_get_string_member_with_default (change, ids[k], NULL) == NULL)
          return 0;
      node = json_object_get_member (change, "base_hlc");
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
          json_node_get_value_type (node) != G_TYPE_STRING)
        return 0;
      node = json_object_get_member (change, "fields");
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        return 0;
      values = json_node_get_object (node);

      /* Not evg_sync_append_fields(): it walks the members in the order
       * of json-glib's hash table, and the server logs them as sent. */
      g_string_append_c (fields, '{');
      json_object_iter_init_ordered (&iter, values);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          if (!JSON_NODE_HOLDS_VALUE (value) && !JSON_NODE_HOLDS_NULL (value))
            return 0;
          if (!first)
            g_string_append_c (fields, ',');
          first = FALSE;
          evg_json_append_string (fields, name);
          g_string_append_c (fields, ':');
          evg_sync_append_json_value (fields, value);
        }
      g_string_append (fields, "}\n");
    }
  return n;
}

typedef enum
{
  READER_EVG,
  READER_JSON_GLIB_PARSE,
  READER_JSON_GLIB,
  N_READERS
} Reader;

static const char * const reader_names[] = { "evg_reader", "json_glib_parse_only", "json_glib" };

/* One run of @reader over @body; returns its time in seconds. */
static double
run_once (Reader         reader,
          const GString *body,
          GString       *scratch)
{
  g_autoptr(GError) error = NULL;
  double start = evg_bench_now (), end;
  guint n = 0;

  if (reader == READER_EVG)
    {
      EvgSyncPushRequest *request = evg_sync_push_request_parse (body->str, body->len, &error);

      if (request != NULL)
        n = request->changes->len;
      evg_sync_push_request_free (request);
    }
  else
    {
      JsonParser *parser = json_parser_new ();

      if (json_parser_load_from_data (parser, body->str, (gssize) body->len, &error))
        n = reader == READER_JSON_GLIB ? walk_push_tree (json_parser_get_root (parser), scratch)
                                       : N_CHANGES;
      g_object_unref (parser);
    }
  end = evg_bench_now ();

  if (n != N_CHANGES)
    g_error ("%s read %u changes: %s", reader_names[reader], n,
             error != NULL ? error->message : "a member of the wrong type");
  return end - start;
}

/* Both readers must see the same changes: json-glib's walk writes every
 * change's fields as the streaming reader hands them out, and every change
 * passes the checks the server runs on it. */
static void
check_body (const GString *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushRequest) request = evg_sync_push_request_parse (body->str, body->len, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) walked = g_string_new (NULL);
  g_autoptr(GString) read = g_string_new (NULL);

  if (request == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < request->changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (request->changes, i);

      if (!evg_sync_change_validate (change, &error))
        g_error ("change %u: %s", i, error->message);
      if (change->n_values != evg_schema_lookup_table ("member")->n_columns)
        g_error ("change %u has %u fields", i, change->n_values);
      g_string_append (read, change->fields_json);
      g_string_append_c (read, '\n');
    }

  if (!json_parser_load_from_data (parser, body->str, (gssize) body->len, &error))
    g_error ("%s", error->message);
  if (walk_push_tree (json_parser_get_root (parser), walked) != N_CHANGES ||
      !g_string_equal (walked, read))
    g_error ("json-glib's walk and the streaming reader disagree");
}

int
main (int    argc,
      char **argv)
{
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 21;
  g_autoptr(GString) body = NULL;
  g_autoptr(GString) scratch = g_string_sized_new (4096);
  GArray *times[N_READERS];
  double median[N_READERS], best[N_READERS];
  double mb;

  if (runs < 1)
    runs = 1;
  body = make_push_body ();
  mb = (double) body->len / 1e6;
  check_body (body);

  for (guint r = 0; r < N_READERS; r++)
    {
      times[r] = g_array_sized_new (FALSE, FALSE, sizeof (double), runs);
      run_once ((Reader) r, body, scratch);   /* warms the caches and malloc's arenas */
    }
  for (guint i = 0; i < runs; i++)
    for (guint r = 0; r < N_READERS; r++)
      {
        double t = run_once ((Reader) r, body, scratch);

        g_array_append_val (times[r], t);
      }

  printf ("{\"benchmark\":\"json\",\"changes\":%u,\"fields_per_change\":%u,\"body_bytes\":%" G_GSIZE_FORMAT
          ",\"runs\":%u", N_CHANGES, evg_schema_lookup_table ("member")->n_columns, body->len, runs);
  for (guint r = 0; r < N_READERS; r++)
    {
      g_array_sort (times[r], evg_bench_compare_doubles);
      median[r] = g_array_index (times[r], double, runs / 2);
      best[r] = g_array_index (times[r], double, 0);
      printf (",\"%s\":{\"median_ms\":%.2f,\"min_ms\":%.2f,\"median_mb_per_s\":%.1f,\"max_mb_per_s\":%.1f}",
              reader_names[r], median[r] * 1000, best[r] * 1000, mb / median[r], mb / best[r]);
      g_array_unref (times[r]);
    }
  printf (",\"json_glib_over_evg_median\":%.2f,\"json_glib_over_evg_min\":%.2f"
          ",\"json_glib_parse_only_over_evg_median\":%.2f}\n",
          median[READER_JSON_GLIB] / median[READER_EVG], best[READER_JSON_GLIB] / best[READER_EVG],
          median[READER_JSON_GLIB_PARSE] / median[READER_EVG]);
  return 0;
}
