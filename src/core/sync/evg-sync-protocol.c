/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <string.h>

#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-json.h"
#include "evg-schema.h"
#include "evg-sync-protocol.h"

G_DEFINE_QUARK (evg-sync-error-quark, evg_sync_error)

static const char * const op_names[] = { "insert", "update", "delete" };
static const char * const status_names[] = { "applied", "duplicate", "conflict", "rejected" };

const char *
evg_sync_op_to_string (EvgSyncOp op)
{
  g_return_val_if_fail (op <= EVG_SYNC_OP_DELETE, NULL);
  return op_names[op];
}

gboolean
evg_sync_op_from_string (const char *text,
                         EvgSyncOp  *op)
{
  for (guint i = 0; i < G_N_ELEMENTS (op_names); i++)
    if (g_strcmp0 (text, op_names[i]) == 0)
      {
        *op = (EvgSyncOp) i;
        return TRUE;
      }
  return FALSE;
}

const char *
evg_sync_status_to_string (EvgSyncStatus status)
{
  g_return_val_if_fail (status <= EVG_SYNC_STATUS_REJECTED, NULL);
  return status_names[status];
}

static gboolean
status_from_string (const char    *text,
                    EvgSyncStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      {
        *status = (EvgSyncStatus) i;
        return TRUE;
      }
  return FALSE;
}

void
evg_sync_change_free (EvgSyncChange *change)
{
  if (change == NULL)
    return;
  /* Its text all lives in the one block that starts with the values (see
   * finish_change()). */
  g_free (change->values);
  g_clear_pointer (&change->fields_object, json_object_unref);
  g_free (change);
}

void
evg_sync_result_free (EvgSyncResult *result)
{
  if (result == NULL)
    return;
  g_free (result->change_id);
  g_free (result->reason);
  g_free (result->kind);
  g_free (result->remote);
  g_free (result->remote_clocks);
  g_free (result);
}

void
evg_sync_push_request_free (EvgSyncPushRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->batch_id);
  g_free (request->site);
  g_free (request->epoch);
  g_clear_pointer (&request->changes, g_ptr_array_unref);
  g_free (request);
}

void
evg_sync_push_response_free (EvgSyncPushResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->batch_id);
  g_free (response->epoch);
  g_clear_pointer (&response->results, g_ptr_array_unref);
  g_free (response);
}

void
evg_sync_pull_response_free (EvgSyncPullResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->epoch);
  g_clear_pointer (&response->changes, g_ptr_array_unref);
  g_free (response);
}

void
evg_sync_health_free (EvgSyncHealth *health)
{
  if (health == NULL)
    return;
  g_free (health->version);
  g_free (health->epoch);
  g_free (health->branch_code);
  g_free (health->branch_name);
  g_free (health);
}

static void
append_member (GString    *out,
               const char *name,
               const char *value,
               gboolean    comma)
{
  if (comma)
    g_string_append_c (out, ',');
  evg_json_append_string (out, name);
  g_string_append_c (out, ':');
  if (value == NULL)
    g_string_append (out, "null");
  else
    evg_json_append_string (out, value);
}

void
evg_sync_append_change (GString    *out,
                        const char *change_id,
                        const char *table,
                        const char *row_id,
                        const char *op,
                        const char *fields_json,
                        const char *hlc,
                        const char *base_hlc,
                        const char *site,
                        gint64      seq)
{
  g_string_append_c (out, '{');
  append_member (out, "change_id", change_id, FALSE);
  append_member (out, "table", table, TRUE);
  append_member (out, "row_id", row_id, TRUE);
  append_member (out, "op", op, TRUE);
  g_string_append (out, ",\"fields\":");
  g_string_append (out, fields_json != NULL && *fields_json != '\0' ? fields_json : "{}");
  append_member (out, "hlc", hlc, TRUE);
  append_member (out, "base_hlc", base_hlc, TRUE);
  append_member (out, "site", site, TRUE);
  if (seq > 0)
    g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT, seq);
  g_string_append_c (out, '}');
}

void
evg_sync_append_stub (GString    *out,
                      const char *change_id,
                      gint64      seq)
{
  g_string_append_c (out, '{');
  append_member (out, "change_id", change_id, FALSE);
  g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT ",\"own\":true}", seq);
}

void
evg_sync_append_json_value (GString  *out,
                            JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    g_string_append (out, "null");
  else if (json_node_get_value_type (value) == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (value));
  else if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (value) ? "1" : "0");
  else if (json_node_get_value_type (value) == G_TYPE_STRING)
    evg_json_append_string (out, json_node_get_string (value));
  else
    g_string_append (out, "null");
}

/* Writes a flat object of column values; members keep their order (the
 * order they were added in, which json_object_iter_init() does not keep),
 * so that the same record is always the same text. */
void
evg_sync_append_fields (GString    *out,
                        JsonObject *fields)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, fields);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      evg_json_append_string (out, name);
      g_string_append_c (out, ':');
      evg_sync_append_json_value (out, value);
    }
  g_string_append_c (out, '}');
}

char *
evg_sync_error_body (const char *code,
                     const char *message,
                     gint64      server_time,
                     const char *epoch)
{
  GString *out = g_string_new ("{");

  append_member (out, "error", code, FALSE);
  append_member (out, "message", message, TRUE);
  if (server_time > 0)
    g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT, server_time);
  if (epoch != NULL)
    append_member (out, "epoch", epoch, TRUE);
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}

static gboolean
bad (GError    **error,
     const char *what)
{
  g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE, "Malformed message: %s", what);
  return FALSE;
}

static JsonNode *
parse_root (const char  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  EvgJsonReader check;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      bad (error, "empty body");
      return NULL;
    }
  /* json-glib sees only text that the strict reader took whole.  It parses
   * nested arrays and objects by recursion, so a few megabytes of "[" would
   * overflow the stack, while the reader stops at EVG_JSON_MAX_DEPTH; and
   * json-glib 1.6 (Debian 12) leaks its scanner's buffers on some broken
   * escapes, such as "\uddu", which a proxy or a hostile server could send
   * with every answer (found by tests/fuzz/fuzz-sync-json). */
  evg_json_reader_init (&check, data, length);
  if (!evg_json_reader_skip (&check) || !evg_json_reader_end (&check))
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE,
                   "Malformed JSON: %s at byte %" G_GSIZE_FORMAT,
                   check.error != NULL ? check.error : "a value was expected",
                   evg_json_reader_offset (&check));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE,
                   "Malformed JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bad (error, "not a JSON object");
      return NULL;
    }
  return json_node_ref (root);
}

/* Member readers: absent or of the wrong type is an error unless optional. */
static gboolean
get_string (JsonObject  *obj,
            const char  *name,
            gboolean     optional,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (optional)
        return TRUE;
      return bad (error, name);
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (error, name);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_int (JsonObject  *obj,
         const char  *name,
         gboolean     optional,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional ? TRUE : bad (error, name);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad (error, name);
  *out = json_node_get_int (node);
  return TRUE;
}

/* --------------------------------------------------------- streaming readers
 *
 * The three bodies that carry changes by the thousand are read with
 * EvgJsonReader instead of a json-glib tree (see evg-json.h for why).  They
 * check the same things: a member of the wrong type, or a required one
 * missing or null, is "Malformed message: NAME"; text that is not JSON is
 * "Malformed JSON: …".  Unknown members are skipped, so a newer peer may
 * add some; a member given twice counts once, the last time. */

/* The text members of a change, read into Reader.ids. */
enum
{
  CHANGE_ID,
  CHANGE_TABLE,
  CHANGE_ROW_ID,
  CHANGE_OP,
  CHANGE_HLC,
  CHANGE_BASE_HLC,
  CHANGE_SITE,
  N_CHANGE_IDS
};

typedef struct
{
  gsize            name;   /* offsets into the text, which moves as it grows */
  gsize            name_len;
  EvgSyncValueType type;
  gint64           number;
  gsize            text;
} ValueAt;

typedef struct
{
  EvgJsonReader  json;
  GString       *name;     /* the member being read */
  GString       *text;     /* scratch for string values */
  /* Scratch for a change's fields, copied out at their exact size: a page
   * of ten thousand changes then takes a third of the memory, and malloc
   * no longer grows and trims the heap page after page. */
  GString       *fields;
  GString       *strings;
  GArray        *values;
  /* The change's ids, each ended by a NUL, and where each starts (-1 for
   * none): copied out with the fields in one block. */
  GString       *ids;
  gssize         id_at[N_CHANGE_IDS];
} Reader;

static void
reader_init (Reader     *r,
             const char *data,
             gsize       length)
{
  evg_json_reader_init (&r->json, data, length);
  r->name = g_string_sized_new (32);
  r->text = g_string_sized_new (64);
  r->fields = g_string_sized_new (1024);
  r->strings = g_string_sized_new (1024);
  r->values = g_array_sized_new (FALSE, FALSE, sizeof (ValueAt), 32);
  r->ids = g_string_sized_new (256);
}

static void
reader_clear (Reader *r)
{
  if (r->name != NULL)
    g_string_free (r->name, TRUE);
  if (r->text != NULL)
    g_string_free (r->text, TRUE);
  if (r->fields != NULL)
    g_string_free (r->fields, TRUE);
  if (r->strings != NULL)
    g_string_free (r->strings, TRUE);
  if (r->values != NULL)
    g_array_unref (r->values);
  if (r->ids != NULL)
    g_string_free (r->ids, TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reader, reader_clear)

static gboolean
syntax (Reader  *r,
        GError **error)
{
  g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE,
               "Malformed JSON: %s at byte %" G_GSIZE_FORMAT,
               r->json.error != NULL ? r->json.error : "a value was expected",
               evg_json_reader_offset (&r->json));
  return FALSE;
}

/* The member's value is of the wrong type, or it is not JSON at all. */
static gboolean
wrong (Reader      *r,
       const char  *name,
       GError     **error)
{
  if (evg_json_reader_peek (&r->json) == EVG_JSON_INVALID)
    return syntax (r, error);
  return bad (error, name);
}

static gboolean
read_string_member (Reader  *r,
                    char   **out,
                    GError **error)
{
  g_clear_pointer (out, g_free);
  switch (evg_json_reader_peek (&r->json))
    {
    case EVG_JSON_NULL:
      return evg_json_reader_read_null (&r->json) || syntax (r, error);
    case EVG_JSON_STRING:
      if (!evg_json_reader_read_string (&r->json, r->text))
        return syntax (r, error);
      *out = g_strndup (r->text->str, r->text->len);
      return TRUE;
    default:
      return wrong (r, r->name->str, error);
    }
}

static gboolean
read_int_member (Reader    *r,
                 gint64    *out,
                 gboolean  *present,
                 GError   **error)
{
  gboolean is_int;

  *present = FALSE;
  *out = 0;
  switch (evg_json_reader_peek (&r->json))
    {
    case EVG_JSON_NULL:
      return evg_json_reader_read_null (&r->json) || syntax (r, error);
    case EVG_JSON_NUMBER:
      if (!evg_json_reader_read_number (&r->json, out, &is_int))
        return syntax (r, error);
      if (!is_int)
        return bad (error, r->name->str);
      *present = TRUE;
      return TRUE;
    default:
      return wrong (r, r->name->str, error);
    }
}

/* Starts reading the member's value as an object or array. */
static gboolean
begin_member (Reader      *r,
              EvgJsonKind  kind,
              GError     **error)
{
  if (evg_json_reader_peek (&r->json) != kind)
    return wrong (r, r->name->str, error);
  if (kind == EVG_JSON_OBJECT ? evg_json_reader_begin_object (&r->json)
                              : evg_json_reader_begin_array (&r->json))
    return TRUE;
  return syntax (r, error);
}

static gboolean
skip_member (Reader  *r,
             GError **error)
{
  return evg_json_reader_skip (&r->json) || syntax (r, error);
}

/* The end of an object or array: FALSE with @error set if the reader
 * stopped on an error rather than at the closing bracket. */
static gboolean
ended (Reader  *r,
       GError **error)
{
  return r->json.error == NULL || syntax (r, error);
}

/* Writes the string the reader has just read into @json as
 * evg_json_append_string() writes @decoded.  A string without escapes is
 * written so already, quotes and all, and is copied in one go: this is
 * most of the text of a push, and escaping it byte by byte was the largest
 * part of reading one. */
static void
append_read_string (GString       *json,
                    EvgJsonReader *reader,
                    GString       *decoded)
{
  gsize raw_len = (gsize) (reader->string_end - reader->string_start);

  if (raw_len == decoded->len + 2)
    evg_string_append_len (json, reader->string_start, raw_len);
  else
    evg_json_append_string (json, decoded->str);
}

/* Reads a field's string value: writes it into @json as
 * append_read_string() does and, unless @text is NULL, appends its
 * decoded text with a NUL to @text at at->text.  Most values hold no
 * escape, and are copied straight from the body instead of being decoded
 * first. */
static gboolean
read_field_string (Reader   *r,
                   GString  *json,
                   GString  *text,
                   ValueAt  *at)
{
  EvgJsonReader *reader = &r->json;
  gsize raw_len;

  if (!evg_json_reader_read_string (reader, NULL))
    return FALSE;
  if (reader->string_escaped)
    {
      /* Read it again, decoding it this time. */
      reader->p = reader->string_start;
      if (!evg_json_reader_read_string (reader, r->text))
        return FALSE;
      append_read_string (json, reader, r->text);
      if (text != NULL)
        {
          at->text = text->len;
          evg_string_append_len (text, r->text->str, r->text->len + 1);
        }
      return TRUE;
    }
  raw_len = (gsize) (reader->string_end - reader->string_start);
  evg_string_append_len (json, reader->string_start, raw_len);
  if (text != NULL)
    {
      at->text = text->len;
      evg_string_append_len (text, reader->string_start + 1, raw_len - 2);
      g_string_append_c (text, '\0');
    }
  return TRUE;
}

/* Appends a whole number in decimal, without printf's parsing. */
static void
append_int (GString *out,
            gint64   value)
{
  char digits[24];
  gsize n = 0;
  guint64 magnitude = value < 0 ? 0 - (guint64) value : (guint64) value;

  do
    {
      digits[sizeof digits - ++n] = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    digits[sizeof digits - ++n] = '-';
  evg_string_append_len (out, digits + sizeof digits - n, n);
}

/* Reads a flat object of column values into @json, written exactly as
 * evg_sync_append_fields() writes (booleans as 1 and 0), and when @values
 * is given also into @values and @text.  A column named twice is refused:
 * which of the two was meant cannot be known. */
static gboolean
read_fields (Reader   *r,
             GString  *json,
             GArray   *values,
             GString  *text,
             GError  **error)
{
  guint count = 0;

  if (!begin_member (r, EVG_JSON_OBJECT, error))
    return FALSE;
  g_string_append_c (json, '{');
  while (evg_json_reader_next_member (&r->json, r->name))
    {
      ValueAt at = { 0 };
      gboolean flag;

      /* No table has nearly this many columns; the bound keeps the check
       * for repeated names below from costing the square of a huge body. */
      if (count >= EVG_SYNC_MAX_FIELDS)
        return bad (error, "fields");
      if (values != NULL)
        {
          /* Names differ in length more often than not: comparing lengths
           * first spares most of the comparisons of every pair. */
          for (guint i = 0; i < values->len; i++)
            {
              const ValueAt *seen = &g_array_index (values, ValueAt, i);

              if (seen->name_len == r->name->len &&
                  memcmp (text->str + seen->name, r->name->str, r->name->len) == 0)
                return bad (error, "fields");
            }
          at.name = text->len;
          at.name_len = r->name->len;
          evg_string_append_len (text, r->name->str, r->name->len + 1);
        }
      if (count++ > 0)
        g_string_append_c (json, ',');
      append_read_string (json, &r->json, r->name);
      g_string_append_c (json, ':');

      switch (evg_json_reader_peek (&r->json))
        {
        case EVG_JSON_NULL:
          if (!evg_json_reader_read_null (&r->json))
            return syntax (r, error);
          at.type = EVG_SYNC_VALUE_NULL;
          g_string_append (json, "null");
          break;
        case EVG_JSON_BOOLEAN:
          if (!evg_json_reader_read_boolean (&r->json, &flag))
            return syntax (r, error);
          at.type = EVG_SYNC_VALUE_BOOLEAN;
          at.number = flag ? 1 : 0;
          g_string_append_c (json, flag ? '1' : '0');
          break;
        case EVG_JSON_NUMBER:
          if (!evg_json_reader_read_number (&r->json, &at.number, &flag))
            return syntax (r, error);
          at.type = flag ? EVG_SYNC_VALUE_INT : EVG_SYNC_VALUE_OTHER;
          if (flag)
            append_int (json, at.number);
          else
            g_string_append (json, "null");
          break;
        case EVG_JSON_STRING:
          at.type = EVG_SYNC_VALUE_STRING;
          if (!read_field_string (r, json, values != NULL ? text : NULL, &at))
            return syntax (r, error);
          break;
        case EVG_JSON_OBJECT:
        case EVG_JSON_ARRAY:
          /* Kept as "other" so the change is refused on its own, not the
           * whole batch with it. */
          if (!skip_member (r, error))
            return FALSE;
          at.type = EVG_SYNC_VALUE_OTHER;
          g_string_append (json, "null");
          break;
        case EVG_JSON_INVALID:
        default:
          return syntax (r, error);
        }
      if (values != NULL)
        g_array_append_val (values, at);
    }
  if (!ended (r, error))
    return FALSE;
  g_string_append_c (json, '}');
  return TRUE;
}

/* Reads a text member of a change into Reader.ids; null leaves it unset. */
static gboolean
read_id_member (Reader  *r,
                guint    which,
                GError **error)
{
  r->id_at[which] = -1;
  switch (evg_json_reader_peek (&r->json))
    {
    case EVG_JSON_NULL:
      return evg_json_reader_read_null (&r->json) || syntax (r, error);
    case EVG_JSON_STRING:
      if (!evg_json_reader_read_string (&r->json, r->text))
        return syntax (r, error);
      r->id_at[which] = (gssize) r->ids->len;
      evg_string_append_len (r->ids, r->text->str, r->text->len + 1);
      return TRUE;
    default:
      return wrong (r, r->name->str, error);
    }
}

static const char *
change_id_text (Reader *r,
                guint   which)
{
  return r->id_at[which] < 0 ? NULL : r->ids->str + r->id_at[which];
}

/* Copies what was read of a change out of the reader, into one block that
 * starts with the values: a change used to be a dozen allocations, made
 * and freed again for each of the thousands in a push or a pull page. */
static void
finish_change (Reader        *r,
               EvgSyncChange *change,
               gboolean       have_fields)
{
  guint n_values = have_fields ? r->values->len : 0;
  gsize values_size = sizeof (EvgSyncValue) * MAX (n_values, 1);
  gsize strings_len = have_fields ? r->strings->len + 1 : 0;
  gsize fields_len = have_fields ? r->fields->len + 1 : 0;
  char *block = g_malloc (values_size + strings_len + fields_len + r->ids->len);
  char *text = block + values_size;
  char *ids = text + strings_len + fields_len;
  char **targets[N_CHANGE_IDS] = {
    [CHANGE_ID] = &change->change_id,
    [CHANGE_TABLE] = &change->table,
    [CHANGE_ROW_ID] = &change->row_id,
    [CHANGE_OP] = NULL,
    [CHANGE_HLC] = &change->hlc,
    [CHANGE_BASE_HLC] = &change->base_hlc,
    [CHANGE_SITE] = &change->site,
  };

  change->values = (EvgSyncValue *) (gpointer) block;
  if (have_fields)
    {
      change->n_values = n_values;
      change->value_text = text;
      memcpy (text, r->strings->str, strings_len);
      change->fields_json = text + strings_len;
      memcpy (change->fields_json, r->fields->str, fields_len);
      for (guint i = 0; i < n_values; i++)
        {
          ValueAt *at = &g_array_index (r->values, ValueAt, i);
          EvgSyncValue *value = &change->values[i];

          value->name = change->value_text + at->name;
          value->type = at->type;
          value->number = at->number;
          value->text = at->type == EVG_SYNC_VALUE_STRING ? change->value_text + at->text : NULL;
        }
    }
  memcpy (ids, r->ids->str, r->ids->len);
  for (guint i = 0; i < N_CHANGE_IDS; i++)
    if (targets[i] != NULL)
      *targets[i] = r->id_at[i] < 0 ? NULL : ids + r->id_at[i];
}

static EvgSyncChange *
read_change (Reader   *r,
             gboolean  with_seq,
             GError  **error)
{
  g_autoptr(EvgSyncChange) change = NULL;
  gboolean have_seq = FALSE, own = FALSE, have_fields = FALSE;
  gint64 seq = 0;
  const char *op;

  g_string_truncate (r->ids, 0);
  for (guint i = 0; i < N_CHANGE_IDS; i++)
    r->id_at[i] = -1;

  g_string_assign (r->name, "change");
  if (!begin_member (r, EVG_JSON_OBJECT, error))
    return NULL;
  while (evg_json_reader_next_member (&r->json, r->name))
    {
      const char *name = r->name->str;
      gboolean ok;

      if (strcmp (name, "change_id") == 0)
        ok = read_id_member (r, CHANGE_ID, error);
      else if (strcmp (name, "table") == 0)
        ok = read_id_member (r, CHANGE_TABLE, error);
      else if (strcmp (name, "row_id") == 0)
        ok = read_id_member (r, CHANGE_ROW_ID, error);
      else if (strcmp (name, "op") == 0)
        ok = read_id_member (r, CHANGE_OP, error);
      else if (strcmp (name, "hlc") == 0)
        ok = read_id_member (r, CHANGE_HLC, error);
      else if (strcmp (name, "base_hlc") == 0)
        ok = read_id_member (r, CHANGE_BASE_HLC, error);
      else if (strcmp (name, "site") == 0)
        ok = read_id_member (r, CHANGE_SITE, error);
      else if (strcmp (name, "seq") == 0)
        ok = read_int_member (r, &seq, &have_seq, error);
      else if (strcmp (name, "fields") == 0)
        {
          if (have_fields)
            return bad (error, "fields"), NULL;
          g_string_truncate (r->fields, 0);
          g_string_truncate (r->strings, 0);
          g_array_set_size (r->values, 0);
          ok = have_fields = read_fields (r, r->fields, r->values, r->strings, error);
        }
      else if (strcmp (name, "own") == 0 && with_seq &&
               evg_json_reader_peek (&r->json) == EVG_JSON_BOOLEAN)
        ok = evg_json_reader_read_boolean (&r->json, &own) || syntax (r, error);
      else
        ok = skip_member (r, error);
      if (!ok)
        return NULL;
    }
  if (!ended (r, error))
    return NULL;

  change = g_new0 (EvgSyncChange, 1);
  change->seq = seq;
  finish_change (r, change, have_fields);
  op = change_id_text (r, CHANGE_OP);

  if (change->change_id == NULL)
    return bad (error, "change_id"), NULL;
  if (own)
    {
      if (!have_seq)
        return bad (error, "seq"), NULL;
      change->stub = TRUE;
      return g_steal_pointer (&change);
    }
  if (change->table == NULL)
    return bad (error, "table"), NULL;
  if (change->row_id == NULL)
    return bad (error, "row_id"), NULL;
  if (op == NULL || !evg_sync_op_from_string (op, &change->op))
    return bad (error, "op"), NULL;
  if (change->hlc == NULL)
    return bad (error, "hlc"), NULL;
  if (change->site == NULL)
    return bad (error, "site"), NULL;
  if (with_seq && !have_seq)
    return bad (error, "seq"), NULL;
  if (change->fields_json == NULL)
    return bad (error, "fields"), NULL;

  return g_steal_pointer (&change);
}

static gboolean
read_changes (Reader     *r,
              gboolean    with_seq,
              GPtrArray  *changes,
              GError    **error)
{
  g_ptr_array_set_size (changes, 0);
  if (!begin_member (r, EVG_JSON_ARRAY, error))
    return FALSE;
  while (evg_json_reader_next_element (&r->json))
    {
      EvgSyncChange *change = read_change (r, with_seq, error);

      if (change == NULL)
        return FALSE;
      g_ptr_array_add (changes, change);
    }
  return ended (r, error);
}

/* Starts a body: it must be an object. */
static gboolean
begin_body (Reader      *r,
            const char  *data,
            gsize        length,
            GError     **error)
{
  if (data == NULL || length == 0)
    return bad (error, "empty body");
  reader_init (r, data, length);
  if (evg_json_reader_peek (&r->json) == EVG_JSON_INVALID)
    return syntax (r, error);
  if (evg_json_reader_peek (&r->json) != EVG_JSON_OBJECT)
    {
      /* Broken JSON is told apart from JSON of the wrong shape. */
      if (!evg_json_reader_skip (&r->json))
        return syntax (r, error);
      return bad (error, "not a JSON object");
    }
  return evg_json_reader_begin_object (&r->json) || syntax (r, error);
}

static gboolean
end_body (Reader  *r,
          GError **error)
{
  return ended (r, error) && (evg_json_reader_end (&r->json) || syntax (r, error));
}

EvgSyncPushRequest *
evg_sync_push_request_parse (const char  *data,
                             gsize        length,
                             GError     **error)
{
  g_auto(Reader) r = { 0 };
  g_autoptr(EvgSyncPushRequest) request = g_new0 (EvgSyncPushRequest, 1);
  gboolean have_protocol = FALSE, have_changes = FALSE;
  gint64 protocol = 0;

  request->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_sync_change_free);
  if (!begin_body (&r, data, length, error))
    return NULL;
  while (evg_json_reader_next_member (&r.json, r.name))
    {
      const char *name = r.name->str;
      gboolean ok;

      if (strcmp (name, "protocol") == 0)
        ok = read_int_member (&r, &protocol, &have_protocol, error);
      else if (strcmp (name, "batch_id") == 0)
        ok = read_string_member (&r, &request->batch_id, error);
      else if (strcmp (name, "site") == 0)
        ok = read_string_member (&r, &request->site, error);
      else if (strcmp (name, "epoch") == 0)
        ok = read_string_member (&r, &request->epoch, error);
      else if (strcmp (name, "changes") == 0)
        ok = have_changes = read_changes (&r, FALSE, request->changes, error);
      else
        ok = skip_member (&r, error);
      if (!ok)
        return NULL;
    }
  if (!end_body (&r, error))
    return NULL;

  if (!have_protocol)
    return bad (error, "protocol"), NULL;
  if (request->batch_id == NULL)
    return bad (error, "batch_id"), NULL;
  if (request->site == NULL)
    return bad (error, "site"), NULL;
  if (!have_changes)
    return bad (error, "changes"), NULL;
  request->protocol = (int) CLAMP (protocol, G_MININT, G_MAXINT);
  return g_steal_pointer (&request);
}

static EvgSyncResult *
read_result (Reader  *r,
             GError **error)
{
  g_autoptr(EvgSyncResult) result = g_new0 (EvgSyncResult, 1);
  g_autofree char *status = NULL;
  gboolean have_seq;

  g_string_assign (r->name, "result");
  if (!begin_member (r, EVG_JSON_OBJECT, error))
    return NULL;
  while (evg_json_reader_next_member (&r->json, r->name))
    {
      const char *name = r->name->str;
      gboolean ok;

      if (strcmp (name, "change_id") == 0)
        ok = read_string_member (r, &result->change_id, error);
      else if (strcmp (name, "status") == 0)
        ok = read_string_member (r, &status, error);
      else if (strcmp (name, "seq") == 0)
        ok = read_int_member (r, &result->seq, &have_seq, error);
      else if (strcmp (name, "reason") == 0)
        ok = read_string_member (r, &result->reason, error);
      else if (strcmp (name, "kind") == 0)
        ok = read_string_member (r, &result->kind, error);
      else if (strcmp (name, "remote") == 0 && evg_json_reader_peek (&r->json) == EVG_JSON_OBJECT)
        {
          g_autoptr(GString) remote = g_string_new (NULL);

          ok = read_fields (r, remote, NULL, NULL, error);
          g_free (result->remote);
          result->remote = g_string_free (g_steal_pointer (&remote), FALSE);
        }
      else if (strcmp (name, "remote_clocks") == 0 && evg_json_reader_peek (&r->json) == EVG_JSON_OBJECT)
        {
          g_autoptr(GString) clocks = g_string_new (NULL);

          ok = read_fields (r, clocks, NULL, NULL, error);
          g_free (result->remote_clocks);
          result->remote_clocks = g_string_free (g_steal_pointer (&clocks), FALSE);
        }
      else
        ok = skip_member (r, error);
      if (!ok)
        return NULL;
    }
  if (!ended (r, error))
    return NULL;

  if (result->change_id == NULL)
    return bad (error, "change_id"), NULL;
  if (status == NULL || !status_from_string (status, &result->status))
    return bad (error, "status"), NULL;
  return g_steal_pointer (&result);
}

EvgSyncPushResponse *
evg_sync_push_response_parse (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_auto(Reader) r = { 0 };
  g_autoptr(EvgSyncPushResponse) response = g_new0 (EvgSyncPushResponse, 1);
  gboolean have_results = FALSE, have_time;

  response->results = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_sync_result_free);
  if (!begin_body (&r, data, length, error))
    return NULL;
  while (evg_json_reader_next_member (&r.json, r.name))
    {
      const char *name = r.name->str;
      gboolean ok;

      if (strcmp (name, "batch_id") == 0)
        ok = read_string_member (&r, &response->batch_id, error);
      else if (strcmp (name, "epoch") == 0)
        ok = read_string_member (&r, &response->epoch, error);
      else if (strcmp (name, "server_time") == 0)
        ok = read_int_member (&r, &response->server_time, &have_time, error);
      else if (strcmp (name, "results") == 0)
        {
          g_ptr_array_set_size (response->results, 0);
          ok = begin_member (&r, EVG_JSON_ARRAY, error);
          while (ok && evg_json_reader_next_element (&r.json))
            {
              EvgSyncResult *result = read_result (&r, error);

              ok = result != NULL;
              if (ok)
                g_ptr_array_add (response->results, result);
            }
          ok = ok && ended (&r, error);
          have_results = ok;
        }
      else
        ok = skip_member (&r, error);
      if (!ok)
        return NULL;
    }
  if (!end_body (&r, error))
    return NULL;

  if (response->batch_id == NULL)
    return bad (error, "batch_id"), NULL;
  if (response->epoch == NULL)
    return bad (error, "epoch"), NULL;
  if (!have_results)
    return bad (error, "results"), NULL;
  return g_steal_pointer (&response);
}

EvgSyncPullResponse *
evg_sync_pull_response_parse (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_auto(Reader) r = { 0 };
  g_autoptr(EvgSyncPullResponse) response = g_new0 (EvgSyncPullResponse, 1);
  gboolean have_next = FALSE, have_more = FALSE, have_changes = FALSE, have_time;

  response->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_sync_change_free);
  if (!begin_body (&r, data, length, error))
    return NULL;
  while (evg_json_reader_next_member (&r.json, r.name))
    {
      const char *name = r.name->str;
      gboolean ok;

      if (strcmp (name, "epoch") == 0)
        ok = read_string_member (&r, &response->epoch, error);
      else if (strcmp (name, "server_time") == 0)
        ok = read_int_member (&r, &response->server_time, &have_time, error);
      else if (strcmp (name, "next") == 0)
        ok = read_int_member (&r, &response->next, &have_next, error);
      else if (strcmp (name, "has_more") == 0)
        {
          if (evg_json_reader_peek (&r.json) != EVG_JSON_BOOLEAN)
            ok = wrong (&r, "has_more", error);
          else
            ok = have_more = evg_json_reader_read_boolean (&r.json, &response->has_more) ||
                             syntax (&r, error);
        }
      else if (strcmp (name, "changes") == 0)
        ok = have_changes = read_changes (&r, TRUE, response->changes, error);
      else
        ok = skip_member (&r, error);
      if (!ok)
        return NULL;
    }
  if (!end_body (&r, error))
    return NULL;

  if (response->epoch == NULL)
    return bad (error, "epoch"), NULL;
  if (!have_next)
    return bad (error, "next"), NULL;
  if (!have_more)
    return bad (error, "has_more"), NULL;
  if (!have_changes)
    return bad (error, "changes"), NULL;
  return g_steal_pointer (&response);
}

/* The fields as a JsonObject, for the merge; made on first use and kept
 * with the change. */
JsonObject *
evg_sync_change_get_fields (EvgSyncChange *change)
{
  if (change->fields_object != NULL)
    return change->fields_object;

  change->fields_object = json_object_new ();
  for (guint i = 0; i < change->n_values; i++)
    {
      const EvgSyncValue *value = &change->values[i];

      switch (value->type)
        {
        case EVG_SYNC_VALUE_INT:
          json_object_set_int_member (change->fields_object, value->name, value->number);
          break;
        case EVG_SYNC_VALUE_BOOLEAN:
          json_object_set_boolean_member (change->fields_object, value->name, value->number != 0);
          break;
        case EVG_SYNC_VALUE_STRING:
          json_object_set_string_member (change->fields_object, value->name, value->text);
          break;
        case EVG_SYNC_VALUE_NULL:
        case EVG_SYNC_VALUE_OTHER:
        default:
          json_object_set_null_member (change->fields_object, value->name);
          break;
        }
    }
  return change->fields_object;
}

EvgSyncHealth *
evg_sync_health_parse (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (data, length, error);
  g_autoptr(EvgSyncHealth) health = NULL;
  g_autofree char *service = NULL;
  JsonObject *obj;
  JsonNode *branch;
  gint64 protocol, min_protocol;

  if (root == NULL)
    return NULL;
  obj = json_node_get_object (root);

  health = g_new0 (EvgSyncHealth, 1);
  if (!get_string (obj, "service", FALSE, &service, error) ||
      !get_string (obj, "version", FALSE, &health->version, error) ||
      !get_int (obj, "protocol", FALSE, &protocol, error) ||
      !get_int (obj, "min_protocol", FALSE, &min_protocol, error) ||
      !get_string (obj, "epoch", FALSE, &health->epoch, error) ||
      !get_int (obj, "server_time", FALSE, &health->server_time, error))
    return NULL;
  if (g_strcmp0 (service, EVG_SYNC_SERVICE_NAME) != 0)
    return bad (error, "service"), NULL;
  health->protocol = (int) CLAMP (protocol, 0, G_MAXINT);
  health->min_protocol = (int) CLAMP (min_protocol, 0, G_MAXINT);

  branch = json_object_get_member (obj, "branch");
  if (branch != NULL && JSON_NODE_HOLDS_OBJECT (branch))
    {
      JsonObject *b = json_node_get_object (branch);

      if (!get_string (b, "code", FALSE, &health->branch_code, error) ||
          !get_string (b, "name", FALSE, &health->branch_name, error))
        return NULL;
    }

  return g_steal_pointer (&health);
}

/* Reads an error answer.  Returns FALSE when the body is not one of ours,
 * which tells the caller it is talking to something else (a proxy page). */
gboolean
evg_sync_error_parse (const char  *data,
                      gsize        length,
                      char       **code,
                      char       **message,
                      gint64      *server_time,
                      char       **epoch)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;

  *code = NULL;
  *message = NULL;
  *server_time = 0;
  *epoch = NULL;

  if (data == NULL || length == 0)
    return FALSE;
  root = parse_root (data, length, NULL);
  if (root == NULL)
    return FALSE;
  obj = json_node_get_object (root);
  if (!get_string (obj, "error", FALSE, code, NULL))
    return FALSE;
  get_string (obj, "message", TRUE, message, NULL);
  get_int (obj, "server_time", TRUE, server_time, NULL);
  get_string (obj, "epoch", TRUE, epoch, NULL);
  return TRUE;
}

gboolean
evg_sync_id_is_valid (const char *id)
{
  const char *p;

  if (id == NULL)
    return FALSE;
  /* One pass over the text: the server checks three ids of every change. */
  for (p = id; *p != '\0'; p++)
    if ((!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.') ||
        p - id >= EVG_SYNC_MAX_ID_LEN)
      return FALSE;
  return p > id;
}

static gboolean
invalid (GError    **error,
         const char *what,
         const char *name)
{
  g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_REQUEST, "%s %s", what, name);
  return FALSE;
}

/* Checks a change against the schema this program knows: a known table,
 * known columns with values of the column's type and domain, well-formed
 * ids and clocks.  The server runs it on every change it is sent, and a
 * client on every change it pulls. */
gboolean
evg_sync_change_validate (EvgSyncChange  *change,
                          GError        **error)
{
  const EvgTableSpec *spec;
  const char *problem;

  if (!evg_sync_id_is_valid (change->change_id))
    return invalid (error, "invalid", "change_id");
  if (!evg_sync_id_is_valid (change->row_id))
    return invalid (error, "invalid", "row_id");
  if (!evg_sync_id_is_valid (change->site))
    return invalid (error, "invalid", "site");
  if (!evg_hlc_parse (change->hlc, NULL))
    return invalid (error, "invalid", "hlc");
  if (change->base_hlc != NULL && !evg_hlc_parse (change->base_hlc, NULL))
    return invalid (error, "invalid", "base_hlc");

  spec = evg_schema_lookup_table (change->table);
  if (spec == NULL)
    return invalid (error, "unknown table", change->table);

  if (change->op == EVG_SYNC_OP_DELETE && change->n_values > 0)
    return invalid (error, "a delete carries no fields:", change->table);

  for (guint i = 0, hint = 0; i < change->n_values; i++)
    {
      const EvgSyncValue *value = &change->values[i];
      int col = -1;

      /* Fields come in column order as a rule, so the column after the
       * last one found is tried first: the server checks every field of
       * every change it is sent. */
      for (guint k = 0; k < spec->n_columns; k++)
        {
          guint c = (hint + k) % spec->n_columns;

          if (strcmp (spec->columns[c].name, value->name) == 0)
            {
              col = (int) c;
              hint = c + 1;
              break;
            }
        }

      if (col < 0)
        {
          /* “deleted” may be written by an update that restores a row. */
          if (g_str_equal (value->name, "deleted") && change->op == EVG_SYNC_OP_UPDATE &&
              value->type == EVG_SYNC_VALUE_INT && (value->number == 0 || value->number == 1))
            continue;
          return invalid (error, "unknown column", value->name);
        }
      if (value->type == EVG_SYNC_VALUE_NULL)
        continue;
      if (value->type == EVG_SYNC_VALUE_OTHER)
        return invalid (error, "fraction, object or array in column", value->name);
      if (spec->columns[col].type == EVG_COLUMN_INT && value->type != EVG_SYNC_VALUE_INT &&
          value->type != EVG_SYNC_VALUE_BOOLEAN)
        return invalid (error, "integer needed in column", value->name);
      if (spec->columns[col].type == EVG_COLUMN_TEXT && value->type != EVG_SYNC_VALUE_STRING)
        return invalid (error, "string needed in column", value->name);

      /* The column's domain, as EvgTxn checks it before a change is made:
       * a server must not store, nor a client take, a 15 MB name or a
       * flag of -5 that no workstation would have written. */
      problem = value->type == EVG_SYNC_VALUE_STRING
                ? evg_table_spec_check_text (spec, (guint) col, value->text)
                : evg_table_spec_check_int (spec, (guint) col, value->number);
      if (problem != NULL)
        {
          g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_REQUEST, "%s in column %s",
                       problem, value->name);
          return FALSE;
        }
    }

  /* A keyed record's id is made from its key, so that two replicas making
   * it make one row: an insert under any other id would be a second. */
  if (spec->key_columns != NULL && change->op == EVG_SYNC_OP_INSERT)
    {
      const char *key[EVG_SCHEMA_MAX_COLUMNS + 1] = { NULL };
      g_autofree char *id = NULL;
      guint n = 0;

      for (; spec->key_columns[n] != NULL && n < EVG_SCHEMA_MAX_COLUMNS; n++)
        for (guint i = 0; i < change->n_values; i++)
          if (change->values[i].type == EVG_SYNC_VALUE_STRING &&
              g_str_equal (change->values[i].name, spec->key_columns[n]))
            key[n] = change->values[i].text;
      id = evg_table_spec_make_key_id (spec, key);
      if (id == NULL)
        return invalid (error, "an insert lacks a key column of", change->table);
      if (!g_str_equal (id, change->row_id))
        return invalid (error, "the row id does not match the key of", change->table);
    }

  return TRUE;
}
