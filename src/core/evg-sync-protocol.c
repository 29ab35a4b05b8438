/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <string.h>

#include "evg-field-set.h"
#include "evg-hlc.h"
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
  g_free (change->change_id);
  g_free (change->table);
  g_free (change->row_id);
  g_clear_pointer (&change->fields, json_object_unref);
  g_free (change->hlc);
  g_free (change->base_hlc);
  g_free (change->site);
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
  g_clear_pointer (&result->remote, json_object_unref);
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

/* Writes a flat object of column values; members keep their order. */
void
evg_sync_append_fields (GString    *out,
                        JsonObject *fields)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init (&iter, fields);
  while (json_object_iter_next (&iter, &name, &value))
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

/* json-glib parses nested arrays and objects by recursion, so a body of a
 * few megabytes of "[" would overflow the stack and take the server down.
 * Nothing in the protocol nests deeper than three levels; refuse anything
 * deeper before parsing. */
#define MAX_DEPTH 8

static gboolean
nesting_is_shallow (const char *data,
                    gsize       length)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_DEPTH)
            return FALSE;
        }
      else if (c == ']' || c == '}')
        depth--;
    }
  return TRUE;
}

static JsonNode *
parse_root (const char  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      bad (error, "empty body");
      return NULL;
    }
  if (!nesting_is_shallow (data, length))
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE,
                   "Malformed JSON: nested deeper than %d levels", MAX_DEPTH);
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

static JsonArray *
get_array (JsonObject  *obj,
           const char  *name,
           GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      bad (error, name);
      return NULL;
    }
  return json_node_get_array (node);
}

EvgSyncChange *
evg_sync_change_from_json (JsonNode  *node,
                           gboolean   with_seq,
                           GError   **error)
{
  g_autoptr(EvgSyncChange) change = g_new0 (EvgSyncChange, 1);
  g_autofree char *op = NULL;
  JsonObject *obj;
  JsonNode *fields;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return bad (error, "change"), NULL;
  obj = json_node_get_object (node);

  if (!get_string (obj, "change_id", FALSE, &change->change_id, error) ||
      !get_string (obj, "table", FALSE, &change->table, error) ||
      !get_string (obj, "row_id", FALSE, &change->row_id, error) ||
      !get_string (obj, "op", FALSE, &op, error) ||
      !get_string (obj, "hlc", FALSE, &change->hlc, error) ||
      !get_string (obj, "base_hlc", TRUE, &change->base_hlc, error) ||
      !get_string (obj, "site", FALSE, &change->site, error) ||
      !get_int (obj, "seq", !with_seq, &change->seq, error))
    return NULL;

  if (!evg_sync_op_from_string (op, &change->op))
    return bad (error, "op"), NULL;

  fields = json_object_get_member (obj, "fields");
  if (fields == NULL || !JSON_NODE_HOLDS_OBJECT (fields))
    return bad (error, "fields"), NULL;
  change->fields = json_object_ref (json_node_get_object (fields));

  return g_steal_pointer (&change);
}

EvgSyncPushRequest *
evg_sync_push_request_parse (const char  *data,
                             gsize        length,
                             GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (data, length, error);
  g_autoptr(EvgSyncPushRequest) request = NULL;
  JsonObject *obj;
  JsonArray *changes;
  gint64 protocol;

  if (root == NULL)
    return NULL;
  obj = json_node_get_object (root);

  request = g_new0 (EvgSyncPushRequest, 1);
  request->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_sync_change_free);
  if (!get_int (obj, "protocol", FALSE, &protocol, error) ||
      !get_string (obj, "batch_id", FALSE, &request->batch_id, error) ||
      !get_string (obj, "site", FALSE, &request->site, error) ||
      !get_string (obj, "epoch", TRUE, &request->epoch, error))
    return NULL;
  request->protocol = (int) CLAMP (protocol, G_MININT, G_MAXINT);

  changes = get_array (obj, "changes", error);
  if (changes == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      EvgSyncChange *change = evg_sync_change_from_json (json_array_get_element (changes, i),
                                                         FALSE, error);
      if (change == NULL)
        return NULL;
      g_ptr_array_add (request->changes, change);
    }

  return g_steal_pointer (&request);
}

EvgSyncPushResponse *
evg_sync_push_response_parse (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (data, length, error);
  g_autoptr(EvgSyncPushResponse) response = NULL;
  JsonObject *obj;
  JsonArray *results;

  if (root == NULL)
    return NULL;
  obj = json_node_get_object (root);

  response = g_new0 (EvgSyncPushResponse, 1);
  response->results = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_sync_result_free);
  if (!get_string (obj, "batch_id", FALSE, &response->batch_id, error) ||
      !get_string (obj, "epoch", FALSE, &response->epoch, error) ||
      !get_int (obj, "server_time", TRUE, &response->server_time, error))
    return NULL;

  results = get_array (obj, "results", error);
  if (results == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      g_autoptr(EvgSyncResult) result = g_new0 (EvgSyncResult, 1);
      g_autofree char *status = NULL;
      JsonObject *r;
      JsonNode *remote;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad (error, "result"), NULL;
      r = json_node_get_object (node);
      if (!get_string (r, "change_id", FALSE, &result->change_id, error) ||
          !get_string (r, "status", FALSE, &status, error) ||
          !get_int (r, "seq", TRUE, &result->seq, error) ||
          !get_string (r, "reason", TRUE, &result->reason, error) ||
          !get_string (r, "kind", TRUE, &result->kind, error))
        return NULL;
      if (!status_from_string (status, &result->status))
        return bad (error, "status"), NULL;
      remote = json_object_get_member (r, "remote");
      if (remote != NULL && JSON_NODE_HOLDS_OBJECT (remote))
        result->remote = json_object_ref (json_node_get_object (remote));
      g_ptr_array_add (response->results, g_steal_pointer (&result));
    }

  return g_steal_pointer (&response);
}

EvgSyncPullResponse *
evg_sync_pull_response_parse (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(JsonNode) root = parse_root (data, length, error);
  g_autoptr(EvgSyncPullResponse) response = NULL;
  JsonObject *obj;
  JsonArray *changes;
  JsonNode *has_more;

  if (root == NULL)
    return NULL;
  obj = json_node_get_object (root);

  response = g_new0 (EvgSyncPullResponse, 1);
  response->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_sync_change_free);
  if (!get_string (obj, "epoch", FALSE, &response->epoch, error) ||
      !get_int (obj, "server_time", TRUE, &response->server_time, error) ||
      !get_int (obj, "next", FALSE, &response->next, error))
    return NULL;

  has_more = json_object_get_member (obj, "has_more");
  if (has_more == NULL || !JSON_NODE_HOLDS_VALUE (has_more) ||
      json_node_get_value_type (has_more) != G_TYPE_BOOLEAN)
    return bad (error, "has_more"), NULL;
  response->has_more = json_node_get_boolean (has_more);

  changes = get_array (obj, "changes", error);
  if (changes == NULL)
    return NULL;
  g_ptr_array_set_size (response->changes, 0);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      EvgSyncChange *change = evg_sync_change_from_json (json_array_get_element (changes, i),
                                                         TRUE, error);
      if (change == NULL)
        return NULL;
      g_ptr_array_add (response->changes, change);
    }

  return g_steal_pointer (&response);
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
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > EVG_SYNC_MAX_ID_LEN)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
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
 * known columns with values of the column's type, well-formed ids and
 * clocks.  The server runs it on every change it is sent. */
gboolean
evg_sync_change_validate (EvgSyncChange  *change,
                          GError        **error)
{
  const EvgTableSpec *spec;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

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

  if (change->op == EVG_SYNC_OP_DELETE && json_object_get_size (change->fields) > 0)
    return invalid (error, "a delete carries no fields:", change->table);

  json_object_iter_init (&iter, change->fields);
  while (json_object_iter_next (&iter, &name, &value))
    {
      int col = evg_table_spec_find_column (spec, name);
      GType type;

      if (col < 0)
        {
          /* “deleted” may be written by an update that restores a row. */
          if (g_str_equal (name, "deleted") && change->op == EVG_SYNC_OP_UPDATE &&
              JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64 &&
              (json_node_get_int (value) == 0 || json_node_get_int (value) == 1))
            continue;
          return invalid (error, "unknown column", name);
        }
      if (JSON_NODE_HOLDS_NULL (value))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (value))
        return invalid (error, "object or array in column", name);
      type = json_node_get_value_type (value);
      if (spec->columns[col].type == EVG_COLUMN_INT && type != G_TYPE_INT64 && type != G_TYPE_BOOLEAN)
        return invalid (error, "integer needed in column", name);
      if (spec->columns[col].type == EVG_COLUMN_TEXT && type != G_TYPE_STRING)
        return invalid (error, "string needed in column", name);
    }

  return TRUE;
}
