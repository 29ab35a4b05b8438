/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "evg-hlc.h"
#include "evg-server-db.h"
#include "evg-server.h"
#include "evg-sync-protocol.h"

/* The HTTP side of the server.  The main loop only reads requests and writes
 * answers; everything that touches SQLite runs in a pool of worker threads,
 * each with its own connection, while the message is paused. */

typedef enum
{
  ENDPOINT_PUSH,
  ENDPOINT_PULL,
  ENDPOINT_HEALTH,
} Endpoint;

struct _EvgServer
{
  GObject       parent_instance;

  /* Owned */
  SoupServer   *soup;
  GThreadPool  *pool;
  GThreadPool  *read_pool;      /* pulls and health: see evg_server_new() */
  char         *database;
  GMainContext *context;

  /* The checkpoint thread: it sleeps until a push has written, or it stops. */
  GThread      *checkpointer;
  GMutex        checkpoint_lock;
  GCond         checkpoint_cond;
  gboolean      checkpoint_wanted;
  gboolean      checkpoint_stop;
};

G_DEFINE_FINAL_TYPE (EvgServer, evg_server, G_TYPE_OBJECT)

typedef struct
{
  EvgServer         *server;     /* borrowed: the pool is drained before it goes */
  SoupServerMessage *msg;        /* owned while paused */
  Endpoint           endpoint;
  char              *authorization;
  GBytes            *body;
  GHashTable        *query;
  EvgServerReply     reply;
  gulong             disconnected_id;
  gboolean           disconnected;
} Job;

/* Wakes the checkpoint thread (see checkpoint_thread()). */
static void
request_checkpoint (EvgServer *self)
{
  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_wanted = TRUE;
  g_cond_signal (&self->checkpoint_cond);
  g_mutex_unlock (&self->checkpoint_lock);
}

static GPrivate thread_db = G_PRIVATE_INIT ((GDestroyNotify) evg_server_db_free);

static void
job_free (Job *job)
{
  if (job->disconnected_id != 0)
    g_signal_handler_disconnect (job->msg, job->disconnected_id);
  g_clear_object (&job->msg);
  g_free (job->authorization);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_clear_pointer (&job->query, g_hash_table_unref);
  g_free (job->reply.body);
  g_free (job);
}

static void
send_reply (SoupServerMessage *msg,
            guint              status,
            char              *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    body, strlen (body));
}

static void
send_error (SoupServerMessage *msg,
            guint              status,
            const char        *code,
            const char        *message)
{
  send_reply (msg, status, evg_sync_error_body (code, message, 0, NULL));
}

static gboolean
finish_job (gpointer data)
{
  Job *job = data;

  if (!job->disconnected)
    {
      send_reply (job->msg, job->reply.status, g_steal_pointer (&job->reply.body));
      soup_server_message_unpause (job->msg);
    }
  job_free (job);
  return G_SOURCE_REMOVE;
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

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  EvgServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *branch = NULL;
  g_autofree char *branch_name = NULL;
  EvgServerDb *db;
  EvgServerAuth auth;

  db = get_thread_db (self, &error);
  if (db == NULL)
    {
      g_message ("Cannot open the database: %s", error->message);
      evg_server_reply_error (&job->reply, 503, EVG_SYNC_CODE_UNAVAILABLE,
                              "The server cannot open its database. Try again later.");
      goto out;
    }

  auth = evg_server_db_authenticate (db, job->authorization, &branch, &branch_name);
  if (auth == EVG_SERVER_AUTH_MISSING && job->endpoint == ENDPOINT_HEALTH)
    {
      /* Health answers without a token, for monitoring; with one it also
       * says whose it is, which is how clients test a token. */
      evg_server_db_health (db, NULL, NULL, &job->reply);
      goto out;
    }
  switch (auth)
    {
    case EVG_SERVER_AUTH_OK:
      break;
    case EVG_SERVER_AUTH_MISSING:
      evg_server_reply_error (&job->reply, 401, EVG_SYNC_CODE_UNAUTHORIZED,
                              "This request needs the branch's token (Authorization: Bearer TOKEN).");
      goto out;
    case EVG_SERVER_AUTH_REVOKED:
      evg_server_reply_error (&job->reply, 401, EVG_SYNC_CODE_TOKEN_REVOKED,
                              "This token was revoked or replaced. Ask the server administrator for a new one.");
      goto out;
    case EVG_SERVER_AUTH_INVALID:
    default:
      evg_server_reply_error (&job->reply, 401, EVG_SYNC_CODE_INVALID_TOKEN,
                              "The server does not know this token. Check that it was copied in full.");
      goto out;
    }

  switch (job->endpoint)
    {
    case ENDPOINT_PUSH:
      {
        gsize len = 0;
        const char *body = g_bytes_get_data (job->body, &len);

        evg_server_db_push (db, branch, body, len, &job->reply);
        if (job->reply.status == 200)
          request_checkpoint (self);
      }
      break;
    case ENDPOINT_PULL:
      evg_server_db_pull (db, branch, job->query, &job->reply);
      break;
    case ENDPOINT_HEALTH:
    default:
      evg_server_db_health (db, branch, branch_name, &job->reply);
      break;
    }

out:
  g_main_context_invoke (self->context, finish_job, job);
}

static void
on_disconnected (SoupServerMessage *msg,
                 Job               *job)
{
  job->disconnected = TRUE;
}

static void
handle_request (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  EvgServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body;
  Endpoint endpoint;
  Job *job;

  if (g_str_equal (path, "/v1/push"))
    endpoint = ENDPOINT_PUSH;
  else if (g_str_equal (path, "/v1/pull"))
    endpoint = ENDPOINT_PULL;
  else if (g_str_equal (path, "/v1/health"))
    endpoint = ENDPOINT_HEALTH;
  else
    {
      send_error (msg, 404, EVG_SYNC_CODE_NOT_FOUND, "There is no such endpoint.");
      return;
    }

  if ((endpoint == ENDPOINT_PUSH && g_strcmp0 (method, "POST") != 0) ||
      (endpoint != ENDPOINT_PUSH && g_strcmp0 (method, "GET") != 0))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    endpoint == ENDPOINT_PUSH ? "POST" : "GET");
      send_error (msg, 405, EVG_SYNC_CODE_METHOD, "This endpoint does not take that method.");
      return;
    }

  body = soup_server_message_get_request_body (msg);
  if (body->length > EVG_SYNC_MAX_BODY)
    {
      send_error (msg, 413, EVG_SYNC_CODE_TOO_LARGE, "The request body is too large.");
      return;
    }

  job = g_new0 (Job, 1);
  job->server = self;
  job->msg = g_object_ref (msg);
  job->endpoint = endpoint;
  job->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  if (endpoint == ENDPOINT_PUSH)
    job->body = soup_message_body_flatten (body);
  if (query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      job->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (job->query, g_strdup (key), g_strdup (value));
    }
  job->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected), job);

  soup_server_message_pause (msg);
  g_thread_pool_push (endpoint == ENDPOINT_PUSH ? self->pool : self->read_pool, job, NULL);
}

/* Answers and closes the connection without reading the request body:
 * libsoup would otherwise read (and wait for) the whole body first, which
 * is exactly what a limit on its size must avoid. */
static void
refuse_early (SoupServerMessage *msg,
              guint              status,
              const char        *reason,
              const char        *code,
              const char        *message)
{
  g_autofree char *body = evg_sync_error_body (code, message, 0, NULL);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                           "Connection: close\r\n\r\n",
                                           status, reason, strlen (body));
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  GOutputStream *out;

  if (stream == NULL)
    return;
  out = g_io_stream_get_output_stream (stream);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, body, strlen (body), NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* Refuses an oversized or unsized push before its body is read, so a huge
 * upload costs neither memory nor waiting. */
static void
check_headers (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    return;
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > EVG_SYNC_MAX_BODY)
    refuse_early (msg, 413, "Payload Too Large", EVG_SYNC_CODE_TOO_LARGE,
                  "The request body is too large.");
  else if (encoding != SOUP_ENCODING_CONTENT_LENGTH && encoding != SOUP_ENCODING_NONE)
    refuse_early (msg, 411, "Length Required", EVG_SYNC_CODE_LENGTH_REQUIRED,
                  "Send the body with a Content-Length header.");
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
stop_checkpointer (EvgServer *self)
{
  if (self->checkpointer == NULL)
    return;
  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_stop = TRUE;
  g_cond_signal (&self->checkpoint_cond);
  g_mutex_unlock (&self->checkpoint_lock);
  g_thread_join (g_steal_pointer (&self->checkpointer));
}

static void
evg_server_finalize (GObject *object)
{
  EvgServer *self = (EvgServer *) object;

  evg_server_shutdown (self);
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_cond);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->database);

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
}

/**
 * evg_server_new:
 * @database: the server database, created when missing
 * @certificate: (nullable): serve HTTPS with this certificate and key
 * @n_workers: database threads
 */
EvgServer *
evg_server_new (const char       *database,
                GTlsCertificate  *certificate,
                guint             n_workers,
                GError          **error)
{
  g_autoptr(EvgServer) self = g_object_new (EVG_TYPE_SERVER, NULL);
  g_autoptr(EvgServerDb) db = NULL;

  /* Creating or upgrading the schema once here keeps the workers simple. */
  db = evg_server_db_open (database, error);
  if (db == NULL)
    return NULL;

  self->database = g_strdup (database);
  self->context = g_main_context_ref_thread_default ();
  self->soup = soup_server_new ("server-header", EVG_SYNC_SERVICE_NAME "/" PACKAGE_VERSION,
                                "tls-certificate", certificate,
                                NULL);
  soup_server_add_early_handler (self->soup, NULL, check_headers, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_request, self, NULL);
  self->pool = g_thread_pool_new (run_job, self, (int) MAX (n_workers, 1), FALSE, error);
  if (self->pool == NULL)
    return NULL;
  /* Pulls only read, which SQLite lets them do while a push writes: they
   * have workers of their own instead of waiting in line behind pushes,
   * each of which holds a worker until SQLite's one write lock is free.
   * With 1,000 branches syncing at once, pulls waited about a second. */
  self->read_pool = g_thread_pool_new (run_job, self, (int) MAX (n_workers, 1), FALSE, error);
  if (self->read_pool == NULL)
    return NULL;
  self->checkpointer = g_thread_new ("evg-checkpoint", checkpoint_thread, self);

  return g_steal_pointer (&self);
}

gboolean
evg_server_listen (EvgServer           *self,
                   GInetSocketAddress  *address,
                   GError             **error)
{
  SoupServerListenOptions options = 0;
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (EVG_IS_SERVER (self), FALSE);

  if (soup_server_is_https (self->soup))
    options |= SOUP_SERVER_LISTEN_HTTPS;

  /* Our own socket, for a deep accept queue: GLib's default of 10 resets
   * connections when many branches sync at the same moment. */
  socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (address)),
                         G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, 4096);
  if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, error) ||
      !g_socket_listen (socket, error))
    return FALSE;
  return soup_server_listen_socket (self->soup, socket, options, error);
}

GSList *
evg_server_get_uris (EvgServer *self)
{
  GSList *uris = NULL;
  g_autoptr(GSList) listeners = NULL;   /* the list is ours, the sockets are not */

  g_return_val_if_fail (EVG_IS_SERVER (self), NULL);

  /* Made from the listening sockets rather than by soup_server_get_uris(),
   * which in libsoup 3.2 leaks the address it asks each socket for. */
  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) address = g_socket_get_local_address (l->data, NULL);
      g_autofree char *host = NULL;
      GInetAddress *inet;

      if (!G_IS_INET_SOCKET_ADDRESS (address))
        continue;
      inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
      host = g_inet_address_to_string (inet);
      uris = g_slist_prepend (uris, g_uri_build (G_URI_FLAGS_NONE,
                                                 soup_server_is_https (self->soup) ? "https" : "http",
                                                 NULL, host,
                                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)),
                                                 "/", NULL, NULL));
    }
  return g_slist_reverse (uris);
}

/* Stops listening and waits for the requests in the workers to finish, so
 * every answered push is committed and no commit is cut short. */
void
evg_server_shutdown (EvgServer *self)
{
  g_return_if_fail (EVG_IS_SERVER (self));

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  if (self->read_pool != NULL)
    {
      g_thread_pool_free (self->read_pool, FALSE, TRUE);
      self->read_pool = NULL;
    }
  if (self->pool != NULL)
    {
      g_thread_pool_free (self->pool, FALSE, TRUE);
      self->pool = NULL;
      /* Answers queued by the last jobs still need their main-loop turn. */
      while (g_main_context_iteration (self->context, FALSE))
        ;
    }
  stop_checkpointer (self);
}
