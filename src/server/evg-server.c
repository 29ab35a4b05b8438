/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evg-feedback.h"
#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-server-db.h"
#include "evg-server-inbox.h"
#include "evg-server-page.h"
#include "evg-server-public.h"
#include "evg-server-rate.h"
#include "evg-server.h"
#include "evg-sync-protocol.h"

/* The HTTP side of the server, on GNU libmicrohttpd.
 *
 * It was SoupServer until libsoup 3.2 (Debian 12's) was found to keep every
 * kept-alive connection that its client closes between two requests: the
 * socket stays in CLOSE-WAIT with its descriptor until the process runs out
 * of them and stops answering (fixed upstream in 3.3).  It also has no idle
 * or header timeouts and no cap on connections.  bench/bench-server-hangup
 * shows the difference.  libmicrohttpd releases such connections at once,
 * times idle ones out, caps connections in all and per address, and bounds
 * the size of a request's headers; the deadline for the headers is ours
 * (see sweep_thread()).
 *
 * One libmicrohttpd thread reads requests and writes answers.  Everything
 * that touches SQLite runs in a pool of worker threads, each with its own
 * connection, while the request is suspended.
 *
 * Besides the sync protocol under /v1/ it serves the residents' pages
 * under /f/ and Open311 under /open311/ (evg-server-public.c), which need
 * no token: what they may send is bounded by the size of a form, a number
 * of messages per client address and hour, and per branch and day. */

/* Request headers, the request line included, are refused beyond this. */
#define MAX_HEADER_BYTES (64 * 1024)

typedef enum
{
  ENDPOINT_PUSH,
  ENDPOINT_PULL,
  ENDPOINT_HEALTH,
  ENDPOINT_PAGE,       /* /v1/page: a branch turns its public page on or off */
  ENDPOINT_PUBLIC,     /* the residents' pages and Open311 */
} Endpoint;

/* A body of /v1/page: {"enabled":true} and little more. */
#define MAX_PAGE_BODY 1024

typedef enum
{
  REQUEST_READING,     /* its body is arriving */
  REQUEST_RUNNING,     /* suspended while a worker runs it */
  REQUEST_ANSWERED,    /* the worker left its reply */
  REQUEST_DONE,        /* the reply is queued */
} RequestState;

/* One client connection, from accept to close.  @deadline is when its
 * request headers must have arrived (monotonic µs), 0 while a request is
 * being read or handled.  Guarded by the server's peers_lock. */
typedef struct
{
  int    fd;
  gint64 deadline;
} Peer;

struct _EvgServer
{
  GObject            parent_instance;

  /* Owned */
  struct MHD_Daemon *daemon;
  GThreadPool       *pool;
  GThreadPool       *read_pool;     /* pulls and health: see evg_server_new() */
  char              *database;
  char              *certificate_pem;
  char              *key_pem;
  EvgServerLimits    limits;
  guint              n_workers;
  GSocketAddress    *address;       /* where it listens */
  gint               n_running;     /* requests suspended in a worker (atomic) */

  /* Every open connection, for the header deadline. */
  GMutex             peers_lock;
  GCond              peers_cond;
  GHashTable        *peers;         /* Peer* set */
  GThread           *sweeper;
  gboolean           sweep_stop;

  /* The checkpoint thread: it sleeps until a push has written, or it stops. */
  GThread           *checkpointer;
  GMutex             checkpoint_lock;
  GCond              checkpoint_cond;
  gboolean           checkpoint_wanted;
  gboolean           checkpoint_stop;

  /* The last time libmicrohttpd's log was passed on (see on_log()). */
  gint64             last_log;

  /* The public pages: the key their forms are signed with, and how many
   * messages each address may still send. */
  char              *form_secret;
  EvgPublicContext   public;
  EvgRateLimiter    *rate;
};

G_DEFINE_FINAL_TYPE (EvgServer, evg_server, G_TYPE_OBJECT)

typedef struct
{
  EvgServer             *server;      /* borrowed: requests end before it goes */
  struct MHD_Connection *connection;  /* borrowed, likewise */
  Endpoint               endpoint;
  RequestState           state;
  GByteArray            *body;
  gsize                  max_body;
  char                  *authorization;
  GHashTable            *query;
  EvgServerReply         reply;

  /* ENDPOINT_PUBLIC and ENDPOINT_PAGE */
  EvgPublicRoute         route;
  char                  *method;
  char                  *path;
  char                  *content_type;
} Request;

static GPrivate thread_db = G_PRIVATE_INIT ((GDestroyNotify) evg_server_db_free);

void
evg_server_limits_init (EvgServerLimits *limits)
{
  g_return_if_fail (limits != NULL);

  memset (limits, 0, sizeof *limits);
  limits->max_per_address = EVG_SERVER_DEFAULT_PER_ADDRESS;
  limits->idle_timeout_s = EVG_SERVER_DEFAULT_IDLE_TIMEOUT;
  limits->header_timeout_s = EVG_SERVER_DEFAULT_HEADER_TIMEOUT;
  limits->public_per_address = EVG_PUBLIC_DEFAULT_PER_ADDRESS;
  limits->public_daily_cap = EVG_PUBLIC_DEFAULT_DAILY_CAP;
}

static void
request_free (Request *request)
{
  if (request->body != NULL)
    g_byte_array_unref (request->body);
  g_free (request->authorization);
  g_clear_pointer (&request->query, g_hash_table_unref);
  g_free (request->reply.body);
  g_free (request->method);
  g_free (request->path);
  g_free (request->content_type);
  g_free (request);
}

/* Wakes the checkpoint thread (see checkpoint_thread()). */
static void
request_checkpoint (EvgServer *self)
{
  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_wanted = TRUE;
  g_cond_signal (&self->checkpoint_cond);
  g_mutex_unlock (&self->checkpoint_lock);
}

/* Queues @body (taken) as the answer: JSON unless @content_type says
 * otherwise.  @close asks the client to open a new connection for its next
 * request, which libmicrohttpd also does by itself when it answers before
 * reading a request's body. */
static enum MHD_Result
answer_as (struct MHD_Connection *connection,
           guint                  status,
           char                  *body,
           const char            *content_type,
           const char            *allow,
           gboolean               close)
{
  gboolean html = content_type != NULL && g_str_has_prefix (content_type, "text/html");
  struct MHD_Response *response;
  enum MHD_Result result;

  /* MUST_FREE hands the text to free(), which is what g_free() calls. */
  response = MHD_create_response_from_buffer (strlen (body), body, MHD_RESPMEM_MUST_FREE);
  MHD_add_response_header (response, "Content-Type", content_type != NULL ? content_type : "application/json");
  MHD_add_response_header (response, "Cache-Control", "no-store");
  MHD_add_response_header (response, "Server", EVG_SYNC_SERVICE_NAME "/" PACKAGE_VERSION);
  MHD_add_response_header (response, "X-Content-Type-Options", "nosniff");
  /* A page may use its own style sheet and nothing else; a JSON answer
   * nothing at all, should a browser ever render one.  No page is framed,
   * and none tells another site where its visitor came from: a status
   * page's address is the key to it. */
  MHD_add_response_header (response, "Content-Security-Policy",
                           html ? evg_page_csp () : "default-src 'none'; frame-ancestors 'none'");
  MHD_add_response_header (response, "Referrer-Policy", "no-referrer");
  MHD_add_response_header (response, "X-Frame-Options", "DENY");
  if (html)
    MHD_add_response_header (response, "X-Robots-Tag", "noindex, nofollow");
  if (allow != NULL)
    MHD_add_response_header (response, "Allow", allow);
  if (close)
    MHD_add_response_header (response, "Connection", "close");
  result = MHD_queue_response (connection, status, response);
  MHD_destroy_response (response);
  return result;
}

static enum MHD_Result
answer (struct MHD_Connection *connection,
        guint                  status,
        char                  *body,
        const char            *allow,
        gboolean               close)
{
  return answer_as (connection, status, body, NULL, allow, close);
}

/* Refuses a public request from its headers, in its route's language. */
static enum MHD_Result
answer_public (struct MHD_Connection *connection,
               EvgPublicRoute         route,
               guint                  status,
               const char            *allow)
{
  EvgServerReply reply = { 0 };

  evg_public_refuse (route, status, &reply);
  return answer_as (connection, reply.status, reply.body, reply.content_type, allow, TRUE);
}

static enum MHD_Result
answer_error (struct MHD_Connection *connection,
              guint                  status,
              const char            *code,
              const char            *message,
              const char            *allow)
{
  return answer (connection, status, evg_sync_error_body (code, message, 0, NULL), allow, TRUE);
}

static EvgServerDb *
get_thread_db (EvgServer  *self,
               GError    **error)
{
  EvgServerDb *db = g_private_get (&thread_db);

  if (db == NULL)
    {
      db = evg_server_db_open (self->database, error);
      if (db != NULL)
        g_private_set (&thread_db, db);
    }
  return db;
}

/* Reads @name of @object, a whole number from 1 to G_MAXINT, into @out;
 * FALSE if it is there and no such number. */
static gboolean
read_hours (JsonObject *object,
            const char *name,
            gint64     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = -1;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return *out >= 1 && *out <= G_MAXINT;
}

/* /v1/page: a branch reads whether its public page is on (GET), or turns
 * it on or off (POST {"enabled":true|false}), or sends the due times its
 * workstation gives messages, for those of the page (POST
 * {"respond_hours":24,"resolve_hours":168}, with or without "enabled"). */
static void
run_page_setting (EvgServerDb *db,
                  const char  *branch,
                  Request     *request)
{
  g_autoptr(GError) error = NULL;
  gboolean on = FALSE;
  guint respond_hours, resolve_hours;
  GString *out;

  if (g_str_equal (request->method, "POST"))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root, *enabled = NULL;
      JsonObject *object = NULL;
      gint64 respond = -1, resolve = -1;
      gboolean valid;

      valid = request->body->len > 0 &&
              json_parser_load_from_data (parser, (const char *) request->body->data,
                                          (gssize) request->body->len, NULL) &&
              (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root);
      if (valid)
        {
          object = json_node_get_object (root);
          enabled = json_object_get_member (object, "enabled");
          valid = (enabled == NULL || (JSON_NODE_HOLDS_VALUE (enabled) &&
                                       json_node_get_value_type (enabled) == G_TYPE_BOOLEAN)) &&
                  read_hours (object, "respond_hours", &respond) &&
                  read_hours (object, "resolve_hours", &resolve) &&
                  (respond < 0) == (resolve < 0) && (enabled != NULL || respond > 0) &&
                  (respond < 0 || evg_feedback_check_due_hours ((guint) respond, (guint) resolve) == NULL);
        }
      if (!valid)
        {
          evg_server_reply_error (&request->reply, 400, EVG_SYNC_CODE_BAD_REQUEST,
                                  "Send {\"enabled\": true} or {\"enabled\": false}, and or "
                                  "{\"respond_hours\": H, \"resolve_hours\": H}: whole hours "
                                  "from 1 to 8760, the first not above the second.");
          return;
        }
      if ((enabled != NULL && !evg_server_db_set_page (db, branch, json_node_get_boolean (enabled), &error)) ||
          (respond > 0 && !evg_server_db_set_due_hours (db, branch, (guint) respond, (guint) resolve, &error)))
        {
          g_message ("Cannot save the page settings of %s: %s", branch, error->message);
          evg_server_reply_error (&request->reply, 503, EVG_SYNC_CODE_UNAVAILABLE,
                                  "The server could not save the setting. Try again later.");
          return;
        }
    }
  evg_server_db_get_page (db, branch, NULL, &on);
  evg_server_db_get_due_hours (db, branch, &respond_hours, &resolve_hours);
  out = g_string_new ("{\"branch\":");
  evg_json_append_string (out, branch);
  g_string_append_printf (out, ",\"enabled\":%s,\"respond_hours\":%u,\"resolve_hours\":%u,\"path\":",
                          on ? "true" : "false", respond_hours, resolve_hours);
  {
    g_autofree char *path = g_strconcat ("/f/", branch, NULL);

    evg_json_append_string (out, path);
  }
  g_string_append (out, "}\n");
  request->reply.status = 200;
  g_free (request->reply.body);
  request->reply.body = g_string_free (out, FALSE);
}

static void
run_request (Request   *request,
             EvgServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *branch = NULL;
  g_autofree char *branch_name = NULL;
  EvgServerDb *db;
  EvgServerAuth auth;

  db = get_thread_db (self, &error);
  if (db == NULL)
    {
      g_message ("Cannot open the database: %s", error->message);
      if (request->endpoint == ENDPOINT_PUBLIC)
        evg_public_refuse (request->route, 503, &request->reply);
      else
        evg_server_reply_error (&request->reply, 503, EVG_SYNC_CODE_UNAVAILABLE,
                                "The server cannot open its database. Try again later.");
      return;
    }

  if (request->endpoint == ENDPOINT_PUBLIC)
    {
      evg_public_handle (db, &self->public, request->route, request->method, request->path,
                         request->query, request->content_type,
                         request->body != NULL ? request->body->data : NULL,
                         request->body != NULL ? request->body->len : 0, &request->reply);
      if (evg_public_is_submission (request->route, request->method) && request->reply.status == 200)
        request_checkpoint (self);
      return;
    }

  auth = evg_server_db_authenticate (db, request->authorization, &branch, &branch_name);
  if (auth == EVG_SERVER_AUTH_MISSING && request->endpoint == ENDPOINT_HEALTH)
    {
      /* Health answers without a token, for monitoring; with one it also
       * says whose it is, which is how clients test a token. */
      evg_server_db_health (db, NULL, NULL, &request->reply);
      return;
    }
  switch (auth)
    {
    case EVG_SERVER_AUTH_OK:
      break;
    case EVG_SERVER_AUTH_MISSING:
      evg_server_reply_error (&request->reply, 401, EVG_SYNC_CODE_UNAUTHORIZED,
                              "This request needs the branch's token (Authorization: Bearer TOKEN).");
      return;
    case EVG_SERVER_AUTH_REVOKED:
      evg_server_reply_error (&request->reply, 401, EVG_SYNC_CODE_TOKEN_REVOKED,
                              "This token was revoked or replaced. Ask the server administrator for a new one.");
      return;
    case EVG_SERVER_AUTH_INVALID:
    default:
      evg_server_reply_error (&request->reply, 401, EVG_SYNC_CODE_INVALID_TOKEN,
                              "The server does not know this token. Check that it was copied in full.");
      return;
    }

  switch (request->endpoint)
    {
    case ENDPOINT_PUSH:
      evg_server_db_push (db, branch, (const char *) request->body->data, request->body->len,
                          &request->reply);
      if (request->reply.status == 200)
        request_checkpoint (self);
      break;
    case ENDPOINT_PULL:
      evg_server_db_pull (db, branch, request->query, &request->reply);
      break;
    case ENDPOINT_PAGE:
      run_page_setting (db, branch, request);
      break;
    case ENDPOINT_HEALTH:
    default:
      evg_server_db_health (db, branch, branch_name, &request->reply);
      break;
    }
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Request *request = data;

  run_request (request, user_data);
  request->state = REQUEST_ANSWERED;
  /* Resuming takes libmicrohttpd's lock, so its thread sees the reply. */
  MHD_resume_connection (request->connection);
}

static Peer *
get_peer (struct MHD_Connection *connection)
{
  const union MHD_ConnectionInfo *info;

  info = MHD_get_connection_info (connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info != NULL ? info->socket_context : NULL;
}

static void
set_deadline (EvgServer             *self,
              struct MHD_Connection *connection,
              gboolean               waiting)
{
  Peer *peer = get_peer (connection);

  if (peer == NULL)
    return;
  g_mutex_lock (&self->peers_lock);
  peer->deadline = waiting ? g_get_monotonic_time () + self->limits.header_timeout_s * G_USEC_PER_SEC : 0;
  g_mutex_unlock (&self->peers_lock);
}

static enum MHD_Result
collect_argument (void             *user_data,
                  enum MHD_ValueKind kind,
                  const char       *key,
                  const char       *value)
{
  GHashTable *query = user_data;

  /* The first of a repeated name counts, as with libsoup before. */
  if (!g_hash_table_contains (query, key))
    g_hash_table_insert (query, g_strdup (key), g_strdup (value != NULL ? value : ""));
  return MHD_YES;
}

/* Who sent a request, as the public pages' limit counts clients: an IPv4
 * address, or the /64 network of an IPv6 address, which is what one
 * household or phone is given.  Behind a proxy on this machine
 * (--forwarded-for), the address the proxy names last: the one it saw. */
static char *
client_key (EvgServer             *self,
            struct MHD_Connection *connection)
{
  const union MHD_ConnectionInfo *info;
  g_autoptr(GInetAddress) address = NULL;
  const guint8 *bytes;

  info = MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info != NULL && info->client_addr != NULL)
    {
      const struct sockaddr *sa = info->client_addr;

      if (sa->sa_family == AF_INET)
        address = g_inet_address_new_from_bytes ((const guint8 *) &((const struct sockaddr_in *) sa)->sin_addr,
                                                 G_SOCKET_FAMILY_IPV4);
      else if (sa->sa_family == AF_INET6)
        address = g_inet_address_new_from_bytes ((const guint8 *) &((const struct sockaddr_in6 *) sa)->sin6_addr,
                                                 G_SOCKET_FAMILY_IPV6);
    }
  if (address == NULL)
    return g_strdup ("unknown");

  if (self->limits.forwarded_for && g_inet_address_get_is_loopback (address))
    {
      const char *forwarded = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                           "X-Forwarded-For");
      const char *last = forwarded != NULL ? strrchr (forwarded, ',') : NULL;
      g_autofree char *text = g_strstrip (g_strdup (last != NULL ? last + 1 : forwarded != NULL ? forwarded : ""));
      GInetAddress *named = *text != '\0' ? g_inet_address_new_from_string (text) : NULL;

      if (named != NULL)
        {
          g_object_unref (address);
          address = named;
        }
    }

  bytes = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (memcmp (bytes, mapped, sizeof mapped) == 0)
        return g_strdup_printf ("%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
      return g_strdup_printf ("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", bytes[0], bytes[1], bytes[2],
                              bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
    }
  return g_inet_address_to_string (address);
}

/* The first call for a request: its headers are in, its body is not.
 * Everything that can be refused from the headers is refused here, before
 * a byte of the body is read. */
static enum MHD_Result
start_request (EvgServer             *self,
               struct MHD_Connection *connection,
               const char            *path,
               const char            *method,
               void                 **request_data)
{
  const char *length_text;
  const char *transfer_encoding;
  guint64 length = 0;
  gboolean has_body, takes_body;
  gsize max_body;
  EvgPublicRoute route;
  Endpoint endpoint;
  Request *request;

  set_deadline (self, connection, FALSE);

  length_text = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
  transfer_encoding = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_TRANSFER_ENCODING);
  if (length_text != NULL &&
      !g_ascii_string_to_unsigned (length_text, 10, 0, G_MAXUINT64, &length, NULL))
    return answer_error (connection, 400, EVG_SYNC_CODE_BAD_REQUEST,
                         "The Content-Length header is not a number.", NULL);
  has_body = transfer_encoding != NULL || length > 0;

  route = evg_public_route (path);
  if (g_str_equal (path, "/v1/push"))
    endpoint = ENDPOINT_PUSH;
  else if (g_str_equal (path, "/v1/pull"))
    endpoint = ENDPOINT_PULL;
  else if (g_str_equal (path, "/v1/health"))
    endpoint = ENDPOINT_HEALTH;
  else if (g_str_equal (path, "/v1/page"))
    endpoint = ENDPOINT_PAGE;
  else if (route != EVG_PUBLIC_ROUTE_NONE)
    endpoint = ENDPOINT_PUBLIC;
  else
    return answer_error (connection, 404, EVG_SYNC_CODE_NOT_FOUND, "There is no such endpoint.", NULL);

  if (endpoint == ENDPOINT_PUBLIC)
    {
      const char *allow;

      if (route == EVG_PUBLIC_ROUTE_NO_PAGE || route == EVG_PUBLIC_ROUTE_NO_API)
        return answer_public (connection, route, 404, NULL);
      allow = evg_public_allowed (route, method);
      if (allow != NULL)
        return answer_public (connection, route, 405, allow);
      takes_body = evg_public_is_submission (route, method);
      max_body = EVG_PUBLIC_MAX_BODY;
      if (!takes_body && has_body)
        return answer_public (connection, route, 413, NULL);
      if (takes_body && transfer_encoding != NULL)
        return answer_public (connection, route, 411, NULL);
      if (length > max_body)
        return answer_public (connection, route, 413, NULL);
      if (takes_body && self->rate != NULL)
        {
          g_autofree char *client = client_key (self, connection);

          /* Counted before the body is read: a refused message costs the
           * server no more than its headers. */
          if (!evg_rate_limiter_take (self->rate, client, g_get_monotonic_time ()))
            return answer_public (connection, route, 429, NULL);
        }
    }
  else
    {
      gboolean post = g_str_equal (method, "POST");

      if ((endpoint == ENDPOINT_PUSH && !post) ||
          (endpoint == ENDPOINT_PAGE && !post && !g_str_equal (method, "GET")) ||
          (endpoint != ENDPOINT_PUSH && endpoint != ENDPOINT_PAGE && !g_str_equal (method, "GET")))
        return answer_error (connection, 405, EVG_SYNC_CODE_METHOD,
                             "This endpoint does not take that method.",
                             endpoint == ENDPOINT_PUSH ? "POST" : endpoint == ENDPOINT_PAGE ? "GET, POST" : "GET");
      takes_body = post;
      max_body = endpoint == ENDPOINT_PAGE ? MAX_PAGE_BODY : EVG_SYNC_MAX_BODY;
      if (!takes_body && has_body)
        return answer_error (connection, 413, EVG_SYNC_CODE_TOO_LARGE,
                             "This request takes no body.", NULL);
      if (takes_body && transfer_encoding != NULL)
        return answer_error (connection, 411, EVG_SYNC_CODE_LENGTH_REQUIRED,
                             "Send the body with a Content-Length header.", NULL);
      if (length > max_body)
        return answer_error (connection, 413, EVG_SYNC_CODE_TOO_LARGE,
                             "The request body is too large.", NULL);
    }

  request = g_new0 (Request, 1);
  request->server = self;
  request->connection = connection;
  request->endpoint = endpoint;
  request->route = route;
  request->state = REQUEST_READING;
  request->max_body = max_body;
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->authorization = g_strdup (MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                                  MHD_HTTP_HEADER_AUTHORIZATION));
  request->content_type = g_strdup (MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                                 MHD_HTTP_HEADER_CONTENT_TYPE));
  if (takes_body)
    request->body = g_byte_array_sized_new ((guint) length);
  else
    {
      request->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      MHD_get_connection_values (connection, MHD_GET_ARGUMENT_KIND, collect_argument,
                                 request->query);
    }
  *request_data = request;
  return MHD_YES;
}

static enum MHD_Result
on_request (void                  *user_data,
            struct MHD_Connection *connection,
            const char            *path,
            const char            *method,
            const char            *version,
            const char            *upload_data,
            size_t                *upload_data_size,
            void                 **request_data)
{
  EvgServer *self = user_data;
  Request *request = *request_data;
  enum MHD_Result result;

  if (request == NULL)
    return start_request (self, connection, path, method, request_data);

  switch (request->state)
    {
    case REQUEST_READING:
      if (*upload_data_size > 0)
        {
          /* Content-Length was checked, but trust only what arrives. */
          if (request->body == NULL ||
              request->body->len + *upload_data_size > request->max_body)
            {
              *upload_data_size = 0;
              return MHD_NO;
            }
          g_byte_array_append (request->body, (const guint8 *) upload_data, (guint) *upload_data_size);
          *upload_data_size = 0;
          return MHD_YES;
        }
      request->state = REQUEST_RUNNING;
      g_atomic_int_inc (&self->n_running);
      MHD_suspend_connection (connection);
      /* Writers wait in one line for SQLite's write lock; readers do not. */
      g_thread_pool_push (request->body != NULL ? self->pool : self->read_pool, request, NULL);
      return MHD_YES;

    case REQUEST_ANSWERED:
      result = answer_as (connection, request->reply.status, g_steal_pointer (&request->reply.body),
                          request->reply.content_type, request->reply.allow, FALSE);
      request->state = REQUEST_DONE;
      g_atomic_int_add (&self->n_running, -1);
      return result;

    case REQUEST_RUNNING:
    case REQUEST_DONE:
    default:
      /* Not called while suspended; nothing to do if it were. */
      return MHD_YES;
    }
}

static void
on_completed (void                            *user_data,
              struct MHD_Connection           *connection,
              void                           **request_data,
              enum MHD_RequestTerminationCode  code)
{
  EvgServer *self = user_data;
  Request *request = *request_data;

  if (request != NULL)
    {
      /* A connection can only close under a request that is not in a
       * worker; libmicrohttpd leaves suspended ones alone. */
      g_assert (request->state != REQUEST_RUNNING);
      if (request->state == REQUEST_ANSWERED)
        g_atomic_int_add (&self->n_running, -1);
      request_free (request);
      *request_data = NULL;
    }
  /* A kept-alive connection must bring its next request in time too. */
  set_deadline (self, connection, TRUE);
}

static void
on_connection (void                              *user_data,
               struct MHD_Connection             *connection,
               void                             **socket_data,
               enum MHD_ConnectionNotificationCode code)
{
  EvgServer *self = user_data;
  Peer *peer;

  if (code == MHD_CONNECTION_NOTIFY_STARTED)
    {
      const union MHD_ConnectionInfo *info;

      info = MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CONNECTION_FD);
      peer = g_new0 (Peer, 1);
      peer->fd = info != NULL ? info->connect_fd : -1;
      peer->deadline = g_get_monotonic_time () + self->limits.header_timeout_s * G_USEC_PER_SEC;
      g_mutex_lock (&self->peers_lock);
      g_hash_table_add (self->peers, peer);
      g_mutex_unlock (&self->peers_lock);
      *socket_data = peer;
    }
  else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_data != NULL)
    {
      peer = *socket_data;
      g_mutex_lock (&self->peers_lock);
      g_hash_table_remove (self->peers, peer);
      g_mutex_unlock (&self->peers_lock);
      g_free (peer);
      *socket_data = NULL;
    }
}

/* Ends connections whose request headers are late, slow senders that
 * would otherwise hold a connection for as long as they keep trickling.
 * It shuts the socket down and lets libmicrohttpd notice and close it:
 * the descriptor stays libmicrohttpd's.  A peer leaves the set (under the
 * lock) before its descriptor is closed, and only libmicrohttpd's thread
 * makes new sockets, so the descriptor shut down is never another's. */
static gpointer
sweep_thread (gpointer data)
{
  EvgServer *self = data;

  g_mutex_lock (&self->peers_lock);
  while (!self->sweep_stop)
    {
      gint64 now = g_get_monotonic_time ();
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->peers);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          Peer *peer = key;

          if (peer->deadline != 0 && peer->deadline <= now && peer->fd >= 0)
            {
              shutdown (peer->fd, SHUT_RDWR);
              peer->deadline = 0;
            }
        }
      g_cond_wait_until (&self->peers_cond, &self->peers_lock, now + G_USEC_PER_SEC / 4);
    }
  g_mutex_unlock (&self->peers_lock);
  return NULL;
}

/* libmicrohttpd says why it refused a connection (a limit reached, no
 * descriptors left).  An attack would make it say so thousands of times a
 * second, so at most one line a second is passed on. */
static void
on_log (void       *user_data,
        const char *format,
        va_list     args)
{
  EvgServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *text = NULL;

  if (now - self->last_log < G_USEC_PER_SEC)
    return;
  self->last_log = now;
  text = g_strdup_vprintf (format, args);
  g_strchomp (text);
  g_message ("%s", text);
}

/* Copies the write-ahead log into the database after pushes, so their
 * commits do not pay for it (see evg_server_db_checkpoint()). */
static gpointer
checkpoint_thread (gpointer data)
{
  EvgServer *self = data;
  g_autoptr(EvgServerDb) db = evg_server_db_open (self->database, NULL);

  g_mutex_lock (&self->checkpoint_lock);
  for (;;)
    {
      while (!self->checkpoint_wanted && !self->checkpoint_stop)
        g_cond_wait (&self->checkpoint_cond, &self->checkpoint_lock);
      if (self->checkpoint_stop)
        break;
      self->checkpoint_wanted = FALSE;
      g_mutex_unlock (&self->checkpoint_lock);
      if (db != NULL)
        evg_server_db_checkpoint (db);
      g_mutex_lock (&self->checkpoint_lock);
    }
  g_mutex_unlock (&self->checkpoint_lock);
  return NULL;
}

static void
stop_threads (EvgServer *self)
{
  if (self->checkpointer != NULL)
    {
      g_mutex_lock (&self->checkpoint_lock);
      self->checkpoint_stop = TRUE;
      g_cond_signal (&self->checkpoint_cond);
      g_mutex_unlock (&self->checkpoint_lock);
      g_thread_join (g_steal_pointer (&self->checkpointer));
    }
  if (self->sweeper != NULL)
    {
      g_mutex_lock (&self->peers_lock);
      self->sweep_stop = TRUE;
      g_cond_signal (&self->peers_cond);
      g_mutex_unlock (&self->peers_lock);
      g_thread_join (g_steal_pointer (&self->sweeper));
    }
}

static void
evg_server_finalize (GObject *object)
{
  EvgServer *self = (EvgServer *) object;

  evg_server_shutdown (self);
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_cond);
  g_mutex_clear (&self->peers_lock);
  g_cond_clear (&self->peers_cond);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_object (&self->address);
  g_free (self->database);
  g_free (self->certificate_pem);
  g_clear_pointer (&self->rate, evg_rate_limiter_free);
  if (self->form_secret != NULL)
    {
      memset (self->form_secret, 0, strlen (self->form_secret));
      g_free (self->form_secret);
    }
  if (self->key_pem != NULL)
    {
      memset (self->key_pem, 0, strlen (self->key_pem));
      g_free (self->key_pem);
    }

  G_OBJECT_CLASS (evg_server_parent_class)->finalize (object);
}

static void
evg_server_class_init (EvgServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = evg_server_finalize;
}

static void
evg_server_init (EvgServer *self)
{
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_cond);
  g_mutex_init (&self->peers_lock);
  g_cond_init (&self->peers_cond);
  self->peers = g_hash_table_new (NULL, NULL);
  evg_server_limits_init (&self->limits);
}

/* How many connections the descriptor limit leaves room for: each worker
 * and the checkpoint thread hold a database, its WAL and its shared memory
 * file, and the process needs a few more of its own. */
static guint
connections_room (guint n_workers)
{
  struct rlimit limit;
  guint reserved = 16 + 3 * (2 * n_workers + 1);

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return 65536;
  if (limit.rlim_cur <= reserved + 4)
    return 4;
  return (guint) MIN (limit.rlim_cur - reserved, 65536);
}

/**
 * evg_server_new:
 * @database: the server database, created when missing
 * @certificate_pem: (nullable): serve HTTPS with this certificate (chain), as PEM
 * @key_pem: (nullable): the certificate's private key, as PEM
 * @n_workers: database threads
 * @limits: (nullable): connection limits; %NULL for the defaults
 */
EvgServer *
evg_server_new (const char             *database,
                const char             *certificate_pem,
                const char             *key_pem,
                guint                   n_workers,
                const EvgServerLimits  *limits,
                GError                **error)
{
  g_autoptr(EvgServer) self = g_object_new (EVG_TYPE_SERVER, NULL);
  g_autoptr(EvgServerDb) db = NULL;
  guint room;

  g_return_val_if_fail ((certificate_pem == NULL) == (key_pem == NULL), NULL);

  /* Creating or upgrading the schema once here keeps the workers simple. */
  db = evg_server_db_open (database, error);
  if (db == NULL)
    return NULL;

  if (certificate_pem != NULL && MHD_is_feature_supported (MHD_FEATURE_TLS) != MHD_YES)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "This build of libmicrohttpd cannot serve HTTPS.");
      return NULL;
    }

  self->database = g_strdup (database);
  self->certificate_pem = g_strdup (certificate_pem);
  self->key_pem = g_strdup (key_pem);
  self->n_workers = MAX (n_workers, 1);
  if (limits != NULL)
    {
      if (limits->max_connections != 0)
        self->limits.max_connections = limits->max_connections;
      if (limits->max_per_address != 0)
        self->limits.max_per_address = limits->max_per_address;
      if (limits->idle_timeout_s != 0)
        self->limits.idle_timeout_s = limits->idle_timeout_s;
      if (limits->header_timeout_s != 0)
        self->limits.header_timeout_s = limits->header_timeout_s;
      if (limits->public_per_address != 0)
        self->limits.public_per_address = limits->public_per_address;
      if (limits->public_daily_cap != 0)
        self->limits.public_daily_cap = limits->public_daily_cap;
      self->limits.forwarded_for = limits->forwarded_for;
    }
  self->form_secret = evg_server_db_dup_form_secret (db, error);
  if (self->form_secret == NULL)
    return NULL;
  self->public.secret = self->form_secret;
  self->public.daily_cap = self->limits.public_daily_cap == G_MAXUINT ? 0 : self->limits.public_daily_cap;
  if (self->limits.public_per_address != G_MAXUINT)
    self->rate = evg_rate_limiter_new (self->limits.public_per_address);
  room = connections_room (self->n_workers);
  if (self->limits.max_connections == 0 || self->limits.max_connections > room)
    {
      if (self->limits.max_connections > room)
        g_message ("The descriptor limit leaves room for %u connections, not %u.",
                   room, self->limits.max_connections);
      self->limits.max_connections = room;
    }

  self->pool = g_thread_pool_new (run_job, self, (int) self->n_workers, FALSE, error);
  if (self->pool == NULL)
    return NULL;
  /* Pulls only read, which SQLite lets them do while a push writes: they
   * have workers of their own instead of waiting in line behind pushes,
   * each of which holds a worker until SQLite's one write lock is free.
   * With 1,000 branches syncing at once, pulls waited about a second. */
  self->read_pool = g_thread_pool_new (run_job, self, (int) self->n_workers, FALSE, error);
  if (self->read_pool == NULL)
    return NULL;
  self->checkpointer = g_thread_new ("evg-checkpoint", checkpoint_thread, self);
  self->sweeper = g_thread_new ("evg-sweep", sweep_thread, self);

  return g_steal_pointer (&self);
}

gboolean
evg_server_listen (EvgServer           *self,
                   GInetSocketAddress  *address,
                   GError             **error)
{
  g_autoptr(GSocket) socket = NULL;
  struct MHD_OptionItem options[16];
  guint n = 0;
  unsigned int flags;
  int fd;

  g_return_val_if_fail (EVG_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->daemon == NULL, FALSE);

  /* Our own socket, for a deep accept queue and GLib's address handling:
   * a short queue resets connections when many branches sync at once. */
  socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (address)),
                         G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, 4096);
  if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, error) ||
      !g_socket_listen (socket, error))
    return FALSE;
  self->address = g_socket_get_local_address (socket, error);
  if (self->address == NULL)
    return FALSE;

  /* libmicrohttpd closes the socket it is given; the GSocket closes its own. */
  fd = dup (g_socket_get_fd (socket));
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot listen: %s", g_strerror (saved));
      return FALSE;
    }

#define OPTION(o, v, p) options[n++] = (struct MHD_OptionItem) { (o), (intptr_t) (v), (p) }
  OPTION (MHD_OPTION_EXTERNAL_LOGGER, on_log, self);     /* first, or it warns */
  OPTION (MHD_OPTION_LISTEN_SOCKET, fd, NULL);
  OPTION (MHD_OPTION_CONNECTION_LIMIT, self->limits.max_connections, NULL);
  OPTION (MHD_OPTION_PER_IP_CONNECTION_LIMIT, self->limits.max_per_address, NULL);
  OPTION (MHD_OPTION_CONNECTION_TIMEOUT, self->limits.idle_timeout_s, NULL);
  OPTION (MHD_OPTION_CONNECTION_MEMORY_LIMIT, MAX_HEADER_BYTES, NULL);
  OPTION (MHD_OPTION_NOTIFY_COMPLETED, on_completed, self);
  OPTION (MHD_OPTION_NOTIFY_CONNECTION, on_connection, self);
  if (self->certificate_pem != NULL)
    {
      OPTION (MHD_OPTION_HTTPS_MEM_CERT, 0, self->certificate_pem);
      OPTION (MHD_OPTION_HTTPS_MEM_KEY, 0, self->key_pem);
    }
  OPTION (MHD_OPTION_END, 0, NULL);
#undef OPTION

  /* poll(), not epoll: libmicrohttpd 0.9.75 waits on epoll edge-triggered
   * and misses a client's close that arrives with the end of its data, so
   * a client that hangs up mid-request would hold its connection until it
   * timed out (the `connections` sync test). */
  flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME |
          MHD_USE_ERROR_LOG;
  if (self->certificate_pem != NULL)
    flags |= MHD_USE_TLS;
  self->daemon = MHD_start_daemon (flags, 0, NULL, NULL, on_request, self,
                                   MHD_OPTION_ARRAY, options, MHD_OPTION_END);
  if (self->daemon == NULL)
    {
      close (fd);
      g_clear_object (&self->address);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           self->certificate_pem != NULL
                           ? "Cannot start the HTTPS server: check that the certificate and key are PEM files that belong together."
                           : "Cannot start the HTTP server.");
      return FALSE;
    }
  return TRUE;
}

GSList *
evg_server_get_uris (EvgServer *self)
{
  GInetSocketAddress *address;
  g_autofree char *host = NULL;

  g_return_val_if_fail (EVG_IS_SERVER (self), NULL);

  if (self->daemon == NULL || !G_IS_INET_SOCKET_ADDRESS (self->address))
    return NULL;
  address = G_INET_SOCKET_ADDRESS (self->address);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  return g_slist_prepend (NULL, g_uri_build (G_URI_FLAGS_NONE,
                                             self->certificate_pem != NULL ? "https" : "http",
                                             NULL, host,
                                             g_inet_socket_address_get_port (address),
                                             "/", NULL, NULL));
}

/* Stops listening and waits for the requests in the workers to finish, so
 * every answered push is committed and no commit is cut short. */
void
evg_server_shutdown (EvgServer *self)
{
  g_return_if_fail (EVG_IS_SERVER (self));

  if (self->daemon != NULL)
    {
      MHD_socket listener = MHD_quiesce_daemon (self->daemon);

      if (listener != MHD_INVALID_SOCKET)
        close (listener);
    }
  if (self->read_pool != NULL)
    {
      g_thread_pool_free (self->read_pool, FALSE, TRUE);
      self->read_pool = NULL;
    }
  if (self->pool != NULL)
    {
      g_thread_pool_free (self->pool, FALSE, TRUE);
      self->pool = NULL;
    }
  if (self->daemon != NULL)
    {
      /* Stopping with a suspended connection is not allowed: give the
       * resumed ones their turn to answer (a client gone meanwhile
       * resends the same batch, which the server then recognises). */
      for (guint i = 0; i < 500 && g_atomic_int_get (&self->n_running) > 0; i++)
        g_usleep (10 * 1000);
      MHD_stop_daemon (self->daemon);
      self->daemon = NULL;
    }
  stop_threads (self);
}
