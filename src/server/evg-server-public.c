/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "evg-context.h"
#include "evg-feedback.h"
#include "evg-field-set.h"
#include "evg-server-db-private.h"
#include "evg-server-inbox.h"
#include "evg-server-page.h"
#include "evg-server-public.h"
#include "evg-sync-protocol.h"
#include "evg-validate.h"

/* The residents' pages and Open311, from a request already read to an
 * answer; the HTTP side (evg-server.c) has refused by then what the
 * headers alone tell: a wrong method, a body too large, an address that
 * sent too many messages.
 *
 * The form's token.  The pages keep no session, so the token carries what
 * the server needs to trust the form it comes back with: when it was served
 * (it is good for EVG_PUBLIC_TOKEN_TTL_S), for which branch, and a random
 * nonce, signed with HMAC-SHA256 under a key only the server knows.  A page
 * of another site cannot make one, nor post a visitor's browser into
 * sending messages (nothing here is worth more with a visitor's cookies:
 * there are none; what the token stops is forged and replayed forms, and
 * a program that posts without fetching the form).  The nonce also makes a
 * form sent twice (a reload, a double tap on a slow network) the same
 * message: the first sending's message is answered again. */

typedef enum
{
  PROBLEM_MISSING,
  PROBLEM_TOO_LONG,
  PROBLEM_NOT_A_CHOICE,
  PROBLEM_NOT_A_PHONE,
  PROBLEM_NOT_TEXT,
} ProblemKind;

typedef enum
{
  INPUT_CATEGORY,
  INPUT_CONTENT,
  INPUT_PLACE,
  INPUT_NAME,
  INPUT_PHONE,
  N_INPUTS
} Input;

typedef struct
{
  EvgFeedbackField  column;
  const char       *chinese;     /* the form's word for it */
  const char       *open311;     /* Open311's */
} InputInfo;

static const InputInfo inputs[N_INPUTS] = {
  [INPUT_CATEGORY] = { EVG_FEEDBACK_CATEGORY, "留言类别", "service_code" },
  [INPUT_CONTENT] = { EVG_FEEDBACK_CONTENT, "留言内容", "description" },
  [INPUT_PLACE] = { EVG_FEEDBACK_PLACE, "地点", "address_string" },
  [INPUT_NAME] = { EVG_FEEDBACK_FROM_NAME, "称呼", "first_name/last_name" },
  [INPUT_PHONE] = { EVG_FEEDBACK_CONTACT, "电话", "phone" },
};

typedef struct
{
  Input       input;
  ProblemKind kind;
} Problem;

/* A message as it arrived, cleaned and checked. */
typedef struct
{
  char   *values[N_INPUTS];   /* NULL when not given */
  char   *phone;              /* as evg_phone_normalize() writes it */
  GArray *problems;           /* Problem */
} Submission;

static void
submission_clear (Submission *submission)
{
  for (guint i = 0; i < N_INPUTS; i++)
    g_clear_pointer (&submission->values[i], g_free);
  g_clear_pointer (&submission->phone, g_free);
  g_clear_pointer (&submission->problems, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Submission, submission_clear)

/* ------------------------------------------------------------- routing */

EvgPublicRoute
evg_public_route (const char *path)
{
  if (g_str_has_prefix (path, "/f/"))
    {
      const char *rest = path + 3;

      if (g_str_has_prefix (rest, "status/"))
        return evg_sync_id_is_valid (rest + 7) ? EVG_PUBLIC_ROUTE_STATUS : EVG_PUBLIC_ROUTE_NO_PAGE;
      return evg_context_validate_branch_code (rest, NULL) ? EVG_PUBLIC_ROUTE_FORM
                                                           : EVG_PUBLIC_ROUTE_NO_PAGE;
    }
  if (g_str_equal (path, "/f"))
    return EVG_PUBLIC_ROUTE_NO_PAGE;
  if (g_str_has_prefix (path, "/open311/v2/"))
    {
      const char *rest = path + strlen ("/open311/v2/");

      if (g_str_equal (rest, "services.json"))
        return EVG_PUBLIC_ROUTE_SERVICES;
      if (g_str_equal (rest, "requests.json"))
        return EVG_PUBLIC_ROUTE_REQUESTS;
      if (g_str_has_prefix (rest, "requests/") && g_str_has_suffix (rest, ".json"))
        {
          g_autofree char *id = g_strndup (rest + 9, strlen (rest) - 9 - 5);

          return evg_sync_id_is_valid (id) ? EVG_PUBLIC_ROUTE_REQUEST : EVG_PUBLIC_ROUTE_NO_API;
        }
    }
  if (g_str_equal (path, "/open311") || g_str_has_prefix (path, "/open311/"))
    return EVG_PUBLIC_ROUTE_NO_API;
  return EVG_PUBLIC_ROUTE_NONE;
}

/**
 * evg_public_allowed:
 *
 * Returns: (nullable): %NULL when @route takes @method, else the methods
 *   it takes, for a 405's Allow header
 */
const char *
evg_public_allowed (EvgPublicRoute  route,
                    const char     *method)
{
  gboolean get = g_str_equal (method, "GET") || g_str_equal (method, "HEAD");
  gboolean post = g_str_equal (method, "POST");

  switch (route)
    {
    case EVG_PUBLIC_ROUTE_FORM:
      return get || post ? NULL : "GET, HEAD, POST";
    case EVG_PUBLIC_ROUTE_STATUS:
    case EVG_PUBLIC_ROUTE_SERVICES:
    case EVG_PUBLIC_ROUTE_REQUEST:
      return get ? NULL : "GET, HEAD";
    case EVG_PUBLIC_ROUTE_REQUESTS:
      return post ? NULL : "POST";
    case EVG_PUBLIC_ROUTE_NONE:
    case EVG_PUBLIC_ROUTE_NO_PAGE:
    case EVG_PUBLIC_ROUTE_NO_API:
    default:
      return NULL;
    }
}

/* Whether the request may send a message, which the per-address limit
 * counts; also whether it has a body. */
gboolean
evg_public_is_submission (EvgPublicRoute  route,
                          const char     *method)
{
  return (route == EVG_PUBLIC_ROUTE_FORM || route == EVG_PUBLIC_ROUTE_REQUESTS) &&
         g_str_equal (method, "POST");
}

static gboolean
is_api (EvgPublicRoute route)
{
  return route == EVG_PUBLIC_ROUTE_SERVICES || route == EVG_PUBLIC_ROUTE_REQUESTS ||
         route == EVG_PUBLIC_ROUTE_REQUEST || route == EVG_PUBLIC_ROUTE_NO_API;
}

static void
reply_page (EvgServerReply *reply,
            guint           status,
            char           *html)
{
  reply->status = status;
  g_free (reply->body);
  reply->body = html;
  reply->content_type = "text/html; charset=utf-8";
}

/* Open311's errors: an array of {code, description}. */
static void
reply_api_error (EvgServerReply *reply,
                 guint           status,
                 const char     *description)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "[{\"code\":%u,\"description\":", status);
  evg_json_append_string (out, description);
  g_string_append (out, "}]\n");
  reply->status = status;
  g_free (reply->body);
  reply->body = g_string_free (out, FALSE);
  reply->content_type = "application/json; charset=utf-8";
}

static void
reply_api (EvgServerReply *reply,
           guint           status,
           GString        *json)
{
  reply->status = status;
  g_free (reply->body);
  reply->body = g_string_free (json, FALSE);
  reply->content_type = "application/json; charset=utf-8";
}

/**
 * evg_public_refuse:
 *
 * Answers @status for @route without looking further, in the route's
 * language: a page for the residents' pages, Open311's errors for its API.
 * Nothing in the answer tells an unknown branch from one whose page is off.
 */
void
evg_public_refuse (EvgPublicRoute  route,
                   guint           status,
                   EvgServerReply *reply)
{
  const char *title, *text, *api;

  switch (status)
    {
    case 400:
      title = "无法提交";
      text = "无法识别提交的内容，请在留言页面上填写后提交。";
      api = "The request could not be read.";
      break;
    case 404:
      title = "页面不存在";
      text = "您要找的页面不存在。请核对链接，或直接联系所在社区的党支部。";
      api = "Not found.";
      break;
    case 405:
      title = "无法打开";
      text = "此页面不支持这种访问方式。";
      api = "This endpoint does not take that method.";
      break;
    case 411:
    case 413:
      title = "内容过长";
      text = "提交的内容太长，请删减后再试。";
      api = "The request body is too large.";
      break;
    case 415:
      title = "无法提交";
      text = "无法识别提交的内容，请在留言页面上填写后提交。";
      api = "Send the request as application/x-www-form-urlencoded.";
      break;
    case 429:
      title = "提交太频繁";
      text = "您提交得太频繁了，请过一段时间再试。急事请直接联系所在社区的党支部。";
      api = "Too many requests from this address; try again later.";
      break;
    case 503:
    default:
      status = 503;
      title = "暂时无法提交";
      text = "服务器暂时无法处理，请稍后再试。";
      api = "The server cannot take this now; try again later.";
      break;
    }
  if (is_api (route))
    reply_api_error (reply, status, api);
  else
    reply_page (reply, status, evg_page_message (title, text));
}

/* ----------------------------------------------------------- the token */

static char *
sign (const char *secret,
      const char *code,
      const char *time_text,
      const char *nonce)
{
  g_autofree char *data = g_strconcat ("evg-form\n", code, "\n", time_text, "\n", nonce, NULL);

  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret),
                                    data, -1);
}

/**
 * evg_public_make_token:
 *
 * Returns: (transfer full): a new form token for branch @code: the time,
 *   a nonce and their signature, "TIME.NONCE.MAC"
 */
char *
evg_public_make_token (const char *secret,
                       const char *code,
                       gint64      now_s)
{
  g_autofree char *time_text = g_strdup_printf ("%" G_GINT64_FORMAT, now_s);
  g_autofree char *nonce = evg_server_random_hex (16);
  g_autofree char *mac = sign (secret, code, time_text, nonce);

  return g_strconcat (time_text, ".", nonce, ".", mac, NULL);
}

typedef enum
{
  TOKEN_GOOD,
  TOKEN_EXPIRED,   /* signed by us, but served too long ago */
  TOKEN_BAD,
} TokenCheck;

static gboolean
is_hex (const char *text,
        gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;
  return TRUE;
}

static TokenCheck
check_token (const char  *secret,
             const char  *code,
             const char  *token,
             gint64       now_s,
             char       **nonce)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *mac = NULL;
  guint8 diff = 0;
  guint64 served;

  *nonce = NULL;
  if (token == NULL || strlen (token) > 200)
    return TOKEN_BAD;
  parts = g_strsplit (token, ".", 4);
  if (g_strv_length (parts) != 3 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXINT64, &served, NULL) ||
      !is_hex (parts[1], 32) || !is_hex (parts[2], 64))
    return TOKEN_BAD;
  mac = sign (secret, code, parts[0], parts[1]);
  /* In constant time: how much of a guess was right must not show. */
  for (guint i = 0; i < 64; i++)
    diff |= (guint8) (mac[i] ^ parts[2][i]);
  if (diff != 0)
    return TOKEN_BAD;
  if ((gint64) served > now_s + 300)
    return TOKEN_BAD;
  *nonce = g_strdup (parts[1]);
  return now_s - (gint64) served > EVG_PUBLIC_TOKEN_TTL_S ? TOKEN_EXPIRED : TOKEN_GOOD;
}

/* ---------------------------------------------------------- the fields */

/* Trims @text and gives line breaks one form: a line feed where the field
 * holds lines, a space where it does not.  Other control characters,
 * which no one types, are dropped.  NULL for text that is not UTF-8. */
static char *
clean_text (const char *text,
            gboolean    lines)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;
  if (!g_utf8_validate (text, -1, NULL))
    return NULL;
  out = g_string_sized_new (strlen (text));
  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r' && p[1] == '\n')
        continue;
      if (c == '\r' || c == '\n')
        g_string_append_c (out, lines ? '\n' : ' ');
      else if (c == '\t')
        g_string_append_c (out, ' ');
      else if (!g_unichar_iscntrl (c))
        g_string_append_unichar (out, c);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

static void
add_problem (Submission  *submission,
             Input        input,
             ProblemKind  kind)
{
  Problem problem = { input, kind };

  g_array_append_val (submission->problems, problem);
}

/* Takes @raw (NULL when not sent) into the submission, cleaned; an empty
 * value counts as not given. */
static void
take_input (Submission *submission,
            Input       input,
            const char *raw)
{
  const EvgColumnSpec *column = evg_feedback_field_get_info (inputs[input].column);
  g_autofree char *text = NULL;

  if (raw == NULL)
    return;
  text = clean_text (raw, input == INPUT_CONTENT);
  if (text == NULL)
    {
      add_problem (submission, input, PROBLEM_NOT_TEXT);
      return;
    }
  if (*text == '\0')
    return;
  if (g_utf8_strlen (text, -1) > (glong) column->max_chars)
    add_problem (submission, input, PROBLEM_TOO_LONG);
  submission->values[input] = g_steal_pointer (&text);
}

/* Checks a message by the rules a workstation's message follows
 * (evg_inbox_add()): content required, a contact that is a phone number,
 * a category of the list, and every value within its column's domain. */
static void
check_submission (Submission *submission)
{
  const char *category = submission->values[INPUT_CATEGORY];
  const char *phone = submission->values[INPUT_PHONE];

  if (category == NULL)
    add_problem (submission, INPUT_CATEGORY, PROBLEM_MISSING);
  else if (evg_column_spec_find_choice (evg_feedback_field_get_info (EVG_FEEDBACK_CATEGORY), category) == NULL)
    add_problem (submission, INPUT_CATEGORY, PROBLEM_NOT_A_CHOICE);
  if (submission->values[INPUT_CONTENT] == NULL)
    add_problem (submission, INPUT_CONTENT, PROBLEM_MISSING);
  if (phone != NULL)
    {
      g_autofree char *problem = NULL;

      submission->phone = evg_phone_normalize (phone);
      problem = submission->phone != NULL ? evg_phone_check (submission->phone) : NULL;
      if (submission->phone == NULL || problem != NULL)
        {
          add_problem (submission, INPUT_PHONE, PROBLEM_NOT_A_PHONE);
          g_clear_pointer (&submission->phone, g_free);
        }
    }
  if (submission->problems->len > 0)
    return;
  /* What the column itself allows, as the server checks every push. */
  for (guint i = 0; i < N_INPUTS; i++)
    {
      const char *value = i == INPUT_PHONE ? submission->phone : submission->values[i];
      guint column = inputs[i].column;

      if (value != NULL && evg_table_spec_check_text (&evg_feedback_table, column, value) != NULL)
        add_problem (submission, i, i == INPUT_PHONE ? PROBLEM_NOT_A_PHONE : PROBLEM_NOT_TEXT);
    }
}

static char *
problem_chinese (const Problem *problem)
{
  const InputInfo *info = &inputs[problem->input];

  switch (problem->kind)
    {
    case PROBLEM_MISSING:
      return problem->input == INPUT_CATEGORY ? g_strdup ("请选择留言类别。")
                                              : g_strdup_printf ("请填写%s。", info->chinese);
    case PROBLEM_TOO_LONG:
      return g_strdup_printf ("%s最多%u个字，请删减一些。", info->chinese,
                              evg_feedback_field_get_info (info->column)->max_chars);
    case PROBLEM_NOT_A_CHOICE:
      return g_strdup ("请从列表中选择留言类别。");
    case PROBLEM_NOT_A_PHONE:
      return g_strdup ("电话号码不正确：请填写11位手机号，或带区号的固定电话（如010-12345678）。");
    case PROBLEM_NOT_TEXT:
    default:
      return g_strdup_printf ("%s中有无法识别的字符，请重新输入。", info->chinese);
    }
}

static char *
problem_english (const Problem *problem)
{
  const InputInfo *info = &inputs[problem->input];

  switch (problem->kind)
    {
    case PROBLEM_MISSING:
      return g_strdup_printf ("%s is required.", info->open311);
    case PROBLEM_TOO_LONG:
      return g_strdup_printf ("%s is too long: at most %u characters.", info->open311,
                              evg_feedback_field_get_info (info->column)->max_chars);
    case PROBLEM_NOT_A_CHOICE:
      return g_strdup_printf ("%s not found.", info->open311);
    case PROBLEM_NOT_A_PHONE:
      return g_strdup_printf ("%s is not a phone number.", info->open311);
    case PROBLEM_NOT_TEXT:
    default:
      return g_strdup_printf ("%s is not UTF-8 text.", info->open311);
    }
}

static void
message_of (Submission       *submission,
            EvgPublicMessage *message)
{
  message->category = submission->values[INPUT_CATEGORY];
  message->content = submission->values[INPUT_CONTENT];
  message->place = submission->values[INPUT_PLACE];
  message->from_name = submission->values[INPUT_NAME];
  message->contact = submission->phone;
}

/* Reads a form-encoded body; NULL when it is not one. */
static GHashTable *
parse_form (const char   *content_type,
            const guint8 *body,
            gsize         length)
{
  g_autofree char *type = NULL;

  if (content_type == NULL)
    return NULL;
  type = g_ascii_strdown (content_type, -1);
  g_strstrip (type);
  if (!g_str_has_prefix (type, "application/x-www-form-urlencoded") ||
      (type[33] != '\0' && type[33] != ';' && type[33] != ' '))
    return NULL;
  if (length == 0)
    return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return g_uri_parse_params ((const char *) body, (gssize) length, "&", G_URI_PARAMS_WWW_FORM, NULL);
}

/* ---------------------------------------------------------- the pages */

static gint64
now_s (void)
{
  return evg_server_now_ms () / 1000;
}

static void
show_form (EvgServerReply         *reply,
           const EvgPublicContext *context,
           guint                   status,
           const char             *code,
           const char             *branch_name,
           Submission             *submission)
{
  g_autofree char *token = evg_public_make_token (context->secret, code, now_s ());
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  EvgFormValues values = { 0 };

  if (submission != NULL)
    {
      for (guint i = 0; i < submission->problems->len; i++)
        g_ptr_array_add (problems, problem_chinese (&g_array_index (submission->problems, Problem, i)));
      /* What was typed, as typed, so nothing the resident wrote is lost. */
      values.category = submission->values[INPUT_CATEGORY];
      values.content = submission->values[INPUT_CONTENT];
      values.place = submission->values[INPUT_PLACE];
      values.name = submission->values[INPUT_NAME];
      values.phone = submission->values[INPUT_PHONE];
    }
  g_ptr_array_add (problems, NULL);
  reply_page (reply, status, evg_page_form (code, branch_name, token,
                                            submission != NULL ? &values : NULL,
                                            (const char * const *) problems->pdata));
}

static void
internal_failure (EvgPublicRoute  route,
                  EvgServerReply *reply,
                  const char     *what,
                  GError         *error)
{
  /* The detail goes to the log; the answer says only that it failed. */
  g_message ("%s failed: %s", what, error != NULL ? error->message : "unknown error");
  evg_public_refuse (route, 503, reply);
}

static void
show_status (EvgServerDb     *db,
             EvgServerReply  *reply,
             const char      *id,
             gboolean         just_sent)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgPublicStatus) status = evg_server_db_public_status (db, id, &error);

  if (status == NULL && error != NULL)
    return internal_failure (EVG_PUBLIC_ROUTE_STATUS, reply, "A status page", error);
  if (status == NULL)
    return evg_public_refuse (EVG_PUBLIC_ROUTE_STATUS, 404, reply);
  reply_page (reply, 200, evg_page_status (status, just_sent));
}

static void
get_form (EvgServerDb            *db,
          const EvgPublicContext *context,
          const char             *code,
          EvgServerReply         *reply)
{
  g_autofree char *name = NULL;
  gboolean on;

  if (!evg_server_db_get_page (db, code, &name, &on) || !on)
    return evg_public_refuse (EVG_PUBLIC_ROUTE_FORM, 404, reply);
  show_form (reply, context, 200, code, name, NULL);
}

static void
post_form (EvgServerDb            *db,
           const EvgPublicContext *context,
           const char             *code,
           GHashTable             *form,
           EvgServerReply         *reply)
{
  g_auto(Submission) submission = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *id = NULL;
  const char *trap;
  EvgPublicMessage message = { 0 };
  TokenCheck token;
  gboolean on;

  if (!evg_server_db_get_page (db, code, &name, &on) || !on)
    return evg_public_refuse (EVG_PUBLIC_ROUTE_FORM, 404, reply);

  token = check_token (context->secret, code, g_hash_table_lookup (form, "token"), now_s (), &nonce);
  if (token == TOKEN_BAD)
    return reply_page (reply, 403, evg_page_message ("页面已失效",
                                                     "请重新打开本支部的留言页面，填写后再提交。"));
  trap = g_hash_table_lookup (form, "website");
  if (trap != NULL && *trap != '\0')
    return reply_page (reply, 400, evg_page_message ("无法提交", "无法提交此留言。"));

  submission.problems = g_array_new (FALSE, FALSE, sizeof (Problem));
  take_input (&submission, INPUT_CATEGORY, g_hash_table_lookup (form, "category"));
  take_input (&submission, INPUT_CONTENT, g_hash_table_lookup (form, "content"));
  take_input (&submission, INPUT_PLACE, g_hash_table_lookup (form, "place"));
  take_input (&submission, INPUT_NAME, g_hash_table_lookup (form, "name"));
  take_input (&submission, INPUT_PHONE, g_hash_table_lookup (form, "phone"));
  if (token == TOKEN_EXPIRED)
    {
      /* Served long ago: nothing is recorded, and what was written comes
       * back on a fresh form. */
      g_autofree char *fresh = evg_public_make_token (context->secret, code, now_s ());
      const char *problems[] = {
        "页面打开的时间太长，已经失效。您写的内容都还在，请再点一次“提交留言”。", NULL
      };
      EvgFormValues values = {
        submission.values[INPUT_CATEGORY], submission.values[INPUT_CONTENT],
        submission.values[INPUT_PLACE], submission.values[INPUT_NAME], submission.values[INPUT_PHONE],
      };

      return reply_page (reply, 403, evg_page_form (code, name, fresh, &values, problems));
    }
  check_submission (&submission);
  if (submission.problems->len > 0)
    return show_form (reply, context, 400, code, name, &submission);

  message_of (&submission, &message);
  switch (evg_server_db_submit (db, code, &message, EVG_PUBLIC_SOURCE_FORM, nonce, context->daily_cap,
                                &id, &error))
    {
    case EVG_PUBLIC_SUBMIT_NEW:
    case EVG_PUBLIC_SUBMIT_AGAIN:
      return show_status (db, reply, id, TRUE);
    case EVG_PUBLIC_SUBMIT_NO_PAGE:
      return evg_public_refuse (EVG_PUBLIC_ROUTE_FORM, 404, reply);
    case EVG_PUBLIC_SUBMIT_FULL:
      return reply_page (reply, 429, evg_page_message ("今日留言已满",
                                                       "本支部今天收到的网上留言已达上限，请明天再来；"
                                                       "急事请直接到支部或打电话反映。"));
    case EVG_PUBLIC_SUBMIT_INVALID:
      return reply_page (reply, 400, evg_page_message ("无法提交", "无法提交此留言。"));
    case EVG_PUBLIC_SUBMIT_FAILED:
    default:
      return internal_failure (EVG_PUBLIC_ROUTE_FORM, reply, "A message from the public page", error);
    }
}

/* ------------------------------------------------------------- Open311 */

/* GeoReport v2's times: ISO 8601 with the offset, here the server's. */
static void
append_api_time (GString    *out,
                 const char *name,
                 const char *minute)
{
  gint64 minutes = evg_parse_minute (minute);
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;
  char date[EVG_MINUTE_SIZE];
  int y, mo, d, h, mi;

  if (minutes < 0)
    return;
  evg_format_minute (minutes, date);
  if (sscanf (date, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) != 5)
    return;
  time = g_date_time_new_local (y, mo, d, h, mi, 0);
  if (time == NULL)
    return;
  text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S%:z");
  g_string_append_printf (out, ",\"%s\":", name);
  evg_json_append_string (out, text);
}

static void
append_api_member (GString    *out,
                   const char *name,
                   const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (out, ",\"%s\":", name);
  evg_json_append_string (out, value);
}

/* Whether the optional jurisdiction_id names a branch whose page is on. */
static gboolean
check_jurisdiction (EvgServerDb *db,
                    GHashTable  *query,
                    gboolean     required,
                    char       **code)
{
  const char *id = query != NULL ? g_hash_table_lookup (query, "jurisdiction_id") : NULL;
  gboolean on = FALSE;

  *code = NULL;
  if (id == NULL || *id == '\0')
    return !required;
  if (!evg_context_validate_branch_code (id, NULL) || !evg_server_db_get_page (db, id, NULL, &on) || !on)
    return FALSE;
  *code = g_strdup (id);
  return TRUE;
}

static void
get_services (EvgServerDb    *db,
              GHashTable     *query,
              EvgServerReply *reply)
{
  const EvgColumnSpec *column = evg_feedback_field_get_info (EVG_FEEDBACK_CATEGORY);
  g_autofree char *code = NULL;
  GString *out;

  if (!check_jurisdiction (db, query, FALSE, &code))
    return reply_api_error (reply, 404, "jurisdiction_id not found.");
  out = g_string_new ("[");
  for (guint i = 0; i < column->n_choices; i++)
    {
      const EvgChoice *choice = &column->choices[i];

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"service_code\":");
      evg_json_append_string (out, choice->code);
      g_string_append (out, ",\"service_name\":");
      evg_json_append_string (out, choice->chinese);
      g_string_append (out, ",\"description\":");
      evg_json_append_string (out, choice->label);
      g_string_append (out, ",\"metadata\":false,\"type\":\"realtime\",\"keywords\":\"\",\"group\":\"\"}");
    }
  g_string_append (out, "]\n");
  reply_api (reply, 200, out);
}

/* Open311's name is two fields; a Chinese name is family name first. */
static char *
join_name (const char *first,
           const char *last)
{
  gboolean has_first = first != NULL && *first != '\0';
  gboolean has_last = last != NULL && *last != '\0';

  if (!has_first || !has_last)
    return has_first ? g_strdup (first) : has_last ? g_strdup (last) : NULL;
  if ((guchar) last[0] >= 0x80)
    return g_strconcat (last, first, NULL);
  return g_strconcat (first, " ", last, NULL);
}

static void
post_request (EvgServerDb            *db,
              const EvgPublicContext *context,
              GHashTable             *form,
              EvgServerReply         *reply)
{
  g_auto(Submission) submission = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *place = NULL;
  const char *address = g_hash_table_lookup (form, "address_string");
  const char *lat = g_hash_table_lookup (form, "lat");
  const char *lon = g_hash_table_lookup (form, "long");
  EvgPublicMessage message = { 0 };
  GString *out;

  if (!check_jurisdiction (db, form, TRUE, &code))
    return reply_api_error (reply, g_hash_table_lookup (form, "jurisdiction_id") == NULL ? 400 : 404,
                            g_hash_table_lookup (form, "jurisdiction_id") == NULL
                            ? "jurisdiction_id is required." : "jurisdiction_id not found.");

  /* A place: the address, else the coordinates as given. */
  if ((address == NULL || *address == '\0') && lat != NULL && lon != NULL)
    {
      double la = g_ascii_strtod (lat, NULL), lo = g_ascii_strtod (lon, NULL);

      if (la >= -90 && la <= 90 && lo >= -180 && lo <= 180 && (la != 0 || lo != 0))
        place = g_strdup_printf ("%.6f,%.6f", la, lo);
    }
  name = join_name (g_hash_table_lookup (form, "first_name"), g_hash_table_lookup (form, "last_name"));

  submission.problems = g_array_new (FALSE, FALSE, sizeof (Problem));
  take_input (&submission, INPUT_CATEGORY, g_hash_table_lookup (form, "service_code"));
  take_input (&submission, INPUT_CONTENT, g_hash_table_lookup (form, "description"));
  take_input (&submission, INPUT_PLACE, place != NULL ? place : address);
  take_input (&submission, INPUT_NAME, name);
  take_input (&submission, INPUT_PHONE, g_hash_table_lookup (form, "phone"));
  check_submission (&submission);
  if (submission.problems->len > 0)
    {
      g_autofree char *text = problem_english (&g_array_index (submission.problems, Problem, 0));

      return reply_api_error (reply, 400, text);
    }

  message_of (&submission, &message);
  switch (evg_server_db_submit (db, code, &message, EVG_PUBLIC_SOURCE_OPEN311, NULL, context->daily_cap,
                                &id, &error))
    {
    case EVG_PUBLIC_SUBMIT_NEW:
    case EVG_PUBLIC_SUBMIT_AGAIN:
      break;
    case EVG_PUBLIC_SUBMIT_NO_PAGE:
      return reply_api_error (reply, 404, "jurisdiction_id not found.");
    case EVG_PUBLIC_SUBMIT_FULL:
      return reply_api_error (reply, 429, "This jurisdiction takes no more requests today.");
    case EVG_PUBLIC_SUBMIT_INVALID:
      return reply_api_error (reply, 400, "The request was refused.");
    case EVG_PUBLIC_SUBMIT_FAILED:
    default:
      return internal_failure (EVG_PUBLIC_ROUTE_REQUESTS, reply, "An Open311 request", error);
    }
  out = g_string_new ("[{\"service_request_id\":");
  evg_json_append_string (out, id);
  g_string_append (out, ",\"service_notice\":");
  evg_json_append_string (out, "支部已收到，将及时办理。");
  g_string_append (out, ",\"account_id\":null}]\n");
  reply_api (reply, 200, out);
}

static void
get_request (EvgServerDb    *db,
             const char     *path,
             GHashTable     *query,
             EvgServerReply *reply)
{
  const char *rest = path + strlen ("/open311/v2/requests/");
  g_autofree char *id = g_strndup (rest, strlen (rest) - strlen (".json"));
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgPublicStatus) status = evg_server_db_public_status (db, id, &error);
  const char *jurisdiction = query != NULL ? g_hash_table_lookup (query, "jurisdiction_id") : NULL;
  const EvgChoice *category;
  const EvgPublicReply *last = NULL;
  g_autoptr(GDateTime) updated = NULL;
  g_autofree char *updated_text = NULL;
  GString *out;

  if (status == NULL && error != NULL)
    return internal_failure (EVG_PUBLIC_ROUTE_REQUEST, reply, "An Open311 request's status", error);
  if (status == NULL || (jurisdiction != NULL && *jurisdiction != '\0' &&
                         g_strcmp0 (jurisdiction, status->branch_code) != 0))
    return reply_api_error (reply, 404, "service_request_id not found.");

  category = status->category != NULL
             ? evg_column_spec_find_choice (evg_feedback_field_get_info (EVG_FEEDBACK_CATEGORY), status->category)
             : NULL;
  if (status->replies->len > 0)
    last = g_ptr_array_index (status->replies, status->replies->len - 1);

  out = g_string_new ("[{\"service_request_id\":");
  evg_json_append_string (out, status->id);
  /* Open until the branch concludes it: a reply may still be followed by
   * the callback (回访) and more work. */
  g_string_append_printf (out, ",\"status\":\"%s\"",
                          g_strcmp0 (status->status, "closed") == 0 ? "closed" : "open");
  append_api_member (out, "status_notes", last != NULL ? last->text : NULL);
  append_api_member (out, "service_name", category != NULL ? category->chinese : NULL);
  append_api_member (out, "service_code", status->category);
  append_api_member (out, "description", status->content);
  append_api_member (out, "agency_responsible", status->branch_name);
  append_api_time (out, "requested_datetime", status->received_at);
  /* The later of the record's last change and its last reply. */
  updated = g_date_time_new_from_unix_local (status->updated_ms / 1000);
  if (updated != NULL)
    {
      updated_text = g_date_time_format (updated, "%Y-%m-%d %H:%M");
      if (last != NULL && g_strcmp0 (last->at, updated_text) > 0)
        append_api_time (out, "updated_datetime", last->at);
      else
        append_api_time (out, "updated_datetime", updated_text);
    }
  append_api_time (out, "expected_datetime", status->resolution_due);
  append_api_member (out, "address", status->place);
  g_string_append (out, "}]\n");
  reply_api (reply, 200, out);
}

/* ------------------------------------------------------------ dispatch */

/**
 * evg_public_handle:
 * @route: evg_public_route() of @path, a route that takes @method
 * @query: (nullable): the query's arguments
 * @body: (nullable): a POST's body, at most EVG_PUBLIC_MAX_BODY bytes
 *
 * Answers a public request.  Runs in a database worker.
 */
void
evg_public_handle (EvgServerDb            *db,
                   const EvgPublicContext *context,
                   EvgPublicRoute          route,
                   const char             *method,
                   const char             *path,
                   GHashTable             *query,
                   const char             *content_type,
                   const guint8           *body,
                   gsize                   length,
                   EvgServerReply         *reply)
{
  g_autoptr(GHashTable) form = NULL;

  if (evg_public_is_submission (route, method))
    {
      form = parse_form (content_type, body, length);
      if (form == NULL)
        return evg_public_refuse (route, route == EVG_PUBLIC_ROUTE_REQUESTS ? 400 : 415, reply);
    }

  switch (route)
    {
    case EVG_PUBLIC_ROUTE_FORM:
      if (form != NULL)
        return post_form (db, context, path + 3, form, reply);
      return get_form (db, context, path + 3, reply);
    case EVG_PUBLIC_ROUTE_STATUS:
      return show_status (db, reply, path + strlen ("/f/status/"), FALSE);
    case EVG_PUBLIC_ROUTE_SERVICES:
      return get_services (db, query, reply);
    case EVG_PUBLIC_ROUTE_REQUESTS:
      return post_request (db, context, form, reply);
    case EVG_PUBLIC_ROUTE_REQUEST:
      return get_request (db, path, query, reply);
    case EVG_PUBLIC_ROUTE_NONE:
    case EVG_PUBLIC_ROUTE_NO_PAGE:
    case EVG_PUBLIC_ROUTE_NO_API:
    default:
      return evg_public_refuse (route, 404, reply);
    }
}
