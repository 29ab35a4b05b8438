/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "evg-types.h"

G_BEGIN_DECLS

/* The sync protocol, shared by the client in src/core and the server in
 * src/server.  JSON over HTTP(S):
 *
 *   POST /v1/push   {"protocol":1,"batch_id":…,"site":…,"epoch":…|null,"changes":[change…]}
 *                → {"batch_id":…,"epoch":…,"server_time":ms,"results":[result…]}
 *   GET  /v1/pull?since=SEQ&limit=N[&epoch=E][&site=S]
 *                → {"epoch":…,"server_time":ms,"changes":[change…],"next":SEQ,"has_more":bool}
 *                  With site=S, the changes made by site S come as stubs,
 *                  {"change_id","seq","own":true}: that site made them and
 *                  has them, so a first upload is not downloaded again.  A
 *                  client that finds a stub it does not know (its database
 *                  was copied from another workstation, say) asks again
 *                  without site=.
 *   GET  /v1/health → {"service":"e-vanguard-server","version":…,"protocol":1,
 *                      "min_protocol":1,"epoch":…,"server_time":ms[,"branch":{"code","name"}]}
 *
 *   change = {"change_id","table","row_id","op":"insert|update|delete","fields":{col:value},
 *             "hlc","base_hlc"|null,"site"[,"seq"]}
 *   result = {"change_id","status":"applied|duplicate|conflict|rejected","seq"?,
 *             "reason"?,"kind"?,"remote"?:{col:value}}
 *   error  = {"error":CODE,"message":TEXT[,"server_time":ms][,"epoch":E]}
 *
 * Every failure is answered with an error object and a stable CODE (see
 * EVG_SYNC_CODE_*); clients switch on the code, never on the message. */

#define EVG_SYNC_PROTOCOL_VERSION     1
#define EVG_SYNC_MIN_PROTOCOL         1
#define EVG_SYNC_SERVICE_NAME         "e-vanguard-server"

/* The client sends this many changes per push; the server accepts up to
 * EVG_SYNC_MAX_BATCH and bodies up to EVG_SYNC_MAX_BODY bytes.  SYNC.md
 * suggested about 1,000; 5,000 nearly doubles first-sync throughput (each
 * batch costs a round trip and two commits) while a batch of members stays
 * near 2 MB, so a lost answer still costs little to resend. */
#define EVG_SYNC_CLIENT_BATCH         5000
#define EVG_SYNC_MAX_BATCH            5000
#define EVG_SYNC_MAX_BODY             (16 * 1024 * 1024)
#define EVG_SYNC_DEFAULT_PULL_LIMIT   1000
#define EVG_SYNC_MAX_PULL_LIMIT       10000
/* A pull page stops at this size too, whatever its count (at least one change). */
#define EVG_SYNC_MAX_PULL_BYTES       (8 * 1024 * 1024)
/* A pull names at most this many ranges of its own known changes, and
 * reads at most this many times its limit of rows to fill a page. */
#define EVG_SYNC_MAX_KNOWN_RANGES     64
#define EVG_SYNC_PULL_SCAN_FACTOR     20
/* The server counts a pull's known ranges (to pass over them unread) up
 * to this many sequence numbers in all. */
#define EVG_SYNC_MAX_KNOWN_SPAN       4000000
/* A change stamped further ahead of the server's clock than this is refused:
 * it would win every later edit made with a correct clock. */
#define EVG_SYNC_MAX_SKEW_MS          (5 * 60 * 1000)
#define EVG_SYNC_MAX_ID_LEN           64
#define EVG_SYNC_MAX_FIELDS           256    /* members of one change's fields */

#define EVG_SYNC_CODE_BAD_REQUEST     "bad_request"
#define EVG_SYNC_CODE_MALFORMED_JSON  "malformed_json"
#define EVG_SYNC_CODE_UNAUTHORIZED    "unauthorized"
#define EVG_SYNC_CODE_INVALID_TOKEN   "invalid_token"
#define EVG_SYNC_CODE_TOKEN_REVOKED   "token_revoked"
#define EVG_SYNC_CODE_NOT_FOUND       "not_found"
#define EVG_SYNC_CODE_METHOD          "method_not_allowed"
#define EVG_SYNC_CODE_TOO_LARGE       "payload_too_large"
#define EVG_SYNC_CODE_BATCH_TOO_LARGE "batch_too_large"
#define EVG_SYNC_CODE_LENGTH_REQUIRED "length_required"
#define EVG_SYNC_CODE_PROTOCOL        "unsupported_protocol"
#define EVG_SYNC_CODE_CLOCK_SKEW      "clock_skew"
#define EVG_SYNC_CODE_RESYNC          "resync"
#define EVG_SYNC_CODE_INTERNAL        "internal"
#define EVG_SYNC_CODE_UNAVAILABLE     "unavailable"

#define EVG_SYNC_ERROR (evg_sync_error_quark ())

typedef enum
{
  EVG_SYNC_ERROR_FAILED,
  EVG_SYNC_ERROR_NOT_CONFIGURED,   /* no server URL or token */
  EVG_SYNC_ERROR_NETWORK,          /* no route, refused, timed out: offline */
  EVG_SYNC_ERROR_TLS,              /* the certificate is not trusted or TLS failed */
  EVG_SYNC_ERROR_UNAUTHORIZED,     /* missing or unknown token */
  EVG_SYNC_ERROR_REVOKED,          /* the token was revoked or replaced */
  EVG_SYNC_ERROR_SERVER_TOO_OLD,   /* the server does not speak our protocol */
  EVG_SYNC_ERROR_CLIENT_TOO_OLD,   /* the server needs a newer protocol */
  EVG_SYNC_ERROR_BAD_RESPONSE,     /* not an E-Vanguard server, or a garbled answer */
  EVG_SYNC_ERROR_SERVER,           /* 5xx */
  EVG_SYNC_ERROR_REQUEST,          /* another 4xx: our request was refused */
  EVG_SYNC_ERROR_CLOCK_SKEW,       /* this PC's clock is too far ahead */
  EVG_SYNC_ERROR_RESYNC,           /* the server was restored: start over */
  EVG_SYNC_ERROR_BUSY,             /* a sync is already running */
  EVG_SYNC_ERROR_WRONG_BRANCH,     /* the token belongs to another branch */
  EVG_SYNC_ERROR_UNKNOWN_STUB,     /* a pulled stub of a change this database did not make */
} EvgSyncError;

typedef enum
{
  EVG_SYNC_OP_INSERT,
  EVG_SYNC_OP_UPDATE,
  EVG_SYNC_OP_DELETE,
} EvgSyncOp;

typedef enum
{
  EVG_SYNC_STATUS_APPLIED,
  EVG_SYNC_STATUS_DUPLICATE,
  EVG_SYNC_STATUS_CONFLICT,
  EVG_SYNC_STATUS_REJECTED,
} EvgSyncStatus;

typedef enum
{
  EVG_SYNC_VALUE_NULL,
  EVG_SYNC_VALUE_INT,
  EVG_SYNC_VALUE_BOOLEAN,
  EVG_SYNC_VALUE_STRING,
  EVG_SYNC_VALUE_OTHER,      /* a fraction, object or array: no column takes it */
} EvgSyncValueType;

/* One member of a change's fields, as read: nothing is converted. */
typedef struct
{
  const char       *name;
  EvgSyncValueType  type;
  gint64            number;    /* INT, and BOOLEAN as 0 or 1 */
  const char       *text;      /* STRING */
} EvgSyncValue;

typedef struct
{
  char         *change_id;
  char         *table;
  char         *row_id;
  EvgSyncOp     op;
  char         *hlc;
  char         *base_hlc;    /* nullable */
  char         *site;
  gint64        seq;         /* the server's sequence number, in pull answers */
  gboolean      stub;        /* pulled as {"change_id","seq","own":true}: nothing else is set */

  /* The fields (column → string, integer, boolean or null) in three forms:
   * the text as the outbox and the server's log store it, written the way
   * evg_sync_append_fields() writes; the members in order; and a JsonObject
   * made only when a merge asks for one (evg_sync_change_get_fields()). */
  char         *fields_json;
  EvgSyncValue *values;
  guint         n_values;
  char         *value_text;  /* holds the values' names and strings */
  JsonObject   *fields_object;
} EvgSyncChange;

typedef struct
{
  char          *change_id;
  EvgSyncStatus  status;
  gint64         seq;
  char          *reason;   /* for rejected: not_owner, append_only, invalid, … */
  char          *kind;     /* for conflict: identity, edit_deleted, delete_edited */
  char          *remote;   /* for conflict: the server's values of the contested fields, as JSON;
                            for rejected "locked": the record as the server holds it */
  char          *remote_clocks; /* for rejected "locked": that record's clocks, as JSON */
} EvgSyncResult;

typedef struct
{
  int        protocol;
  char      *batch_id;
  char      *site;
  char      *epoch;        /* nullable: the client has not synced yet */
  GPtrArray *changes;      /* EvgSyncChange */
} EvgSyncPushRequest;

typedef struct
{
  char      *batch_id;
  char      *epoch;
  gint64     server_time;
  GPtrArray *results;      /* EvgSyncResult */
} EvgSyncPushResponse;

typedef struct
{
  char      *epoch;
  gint64     server_time;
  GPtrArray *changes;      /* EvgSyncChange */
  gint64     next;
  gboolean   has_more;
} EvgSyncPullResponse;

typedef struct
{
  char      *version;
  int        protocol;
  int        min_protocol;
  char      *epoch;
  gint64     server_time;
  char      *branch_code;  /* nullable: only when a valid token was sent */
  char      *branch_name;
} EvgSyncHealth;

GQuark               evg_sync_error_quark            (void);

const char          *evg_sync_op_to_string           (EvgSyncOp             op);
gboolean             evg_sync_op_from_string         (const char           *text,
                                                      EvgSyncOp            *op);
const char          *evg_sync_status_to_string       (EvgSyncStatus         status);

void                 evg_sync_change_free            (EvgSyncChange        *change);
void                 evg_sync_result_free            (EvgSyncResult        *result);
void                 evg_sync_push_request_free      (EvgSyncPushRequest   *request);
void                 evg_sync_push_response_free     (EvgSyncPushResponse  *response);
void                 evg_sync_pull_response_free     (EvgSyncPullResponse  *response);
void                 evg_sync_health_free            (EvgSyncHealth        *health);

/* Writers.  They append to a GString because the outbox and the server's log
 * already hold each change's fields as JSON text, which is copied as is. */
void                 evg_sync_append_change          (GString              *out,
                                                      const char           *change_id,
                                                      const char           *table,
                                                      const char           *row_id,
                                                      const char           *op,
                                                      const char           *fields_json,
                                                      const char           *hlc,
                                                      const char           *base_hlc,
                                                      const char           *site,
                                                      gint64                seq);
void                 evg_sync_append_stub            (GString              *out,
                                                      const char           *change_id,
                                                      gint64                seq);
void                 evg_sync_append_json_value      (GString              *out,
                                                      JsonNode             *value);
void                 evg_sync_append_fields          (GString              *out,
                                                      JsonObject           *fields);
char                *evg_sync_error_body             (const char           *code,
                                                      const char           *message,
                                                      gint64                server_time,
                                                      const char           *epoch);

/* Readers.  Each checks every member's type, so the rest of the code can
 * trust what it gets; anything else is an EVG_SYNC_ERROR_BAD_RESPONSE whose
 * message starts with "Malformed JSON" when the text is not JSON at all. */
EvgSyncPushRequest  *evg_sync_push_request_parse     (const char           *data,
                                                      gsize                 length,
                                                      GError              **error);
EvgSyncPushResponse *evg_sync_push_response_parse    (const char           *data,
                                                      gsize                 length,
                                                      GError              **error);
EvgSyncPullResponse *evg_sync_pull_response_parse    (const char           *data,
                                                      gsize                 length,
                                                      GError              **error);
EvgSyncHealth       *evg_sync_health_parse           (const char           *data,
                                                      gsize                 length,
                                                      GError              **error);
gboolean             evg_sync_error_parse            (const char           *data,
                                                      gsize                 length,
                                                      char                **code,
                                                      char                **message,
                                                      gint64               *server_time,
                                                      char                **epoch);

JsonObject          *evg_sync_change_get_fields      (EvgSyncChange        *change);
gboolean             evg_sync_change_validate        (EvgSyncChange        *change,
                                                      GError              **error);
gboolean             evg_sync_id_is_valid            (const char           *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSyncChange, evg_sync_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSyncResult, evg_sync_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSyncPushRequest, evg_sync_push_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSyncPushResponse, evg_sync_push_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSyncPullResponse, evg_sync_pull_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSyncHealth, evg_sync_health_free)

G_END_DECLS
