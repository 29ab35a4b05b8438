/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <string.h>

#include "evg-feedback.h"
#include "evg-server-page.h"

/* The pages are a handful of lines each, so they are written here rather
 * than read from template files that an installation could lose.  Their
 * style sheet is one constant, inline, and allowed by its hash in the
 * Content-Security-Policy: no other style and no script at all may run,
 * whatever a message's text holds.
 *
 * Phones: the viewport is the device's width, every input is 16 px or
 * more (smaller makes iOS and WeChat zoom in while typing), controls span
 * the width with room to tap, and long words (a tracking code, a URL a
 * resident pasted) break instead of widening the page. */

static const char style_sheet[] =
  "*{box-sizing:border-box}"
  "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
  "body{margin:0;background:#f4f4f4;color:#222;"
  "font:16px/1.6 -apple-system,\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\","
  "\"Noto Sans CJK SC\",\"Source Han Sans SC\",sans-serif}"
  "header{background:#c8161d;color:#fff;padding:14px 16px}"
  "header h1{margin:0;font-size:20px;line-height:1.4;font-weight:600}"
  "header p{margin:2px 0 0;font-size:15px;opacity:.92}"
  "main{max-width:560px;margin:0 auto;padding:4px 12px 24px}"
  "section{background:#fff;border-radius:8px;padding:14px 16px;margin:12px 0}"
  "h2{font-size:17px;margin:0 0 6px}"
  "p{margin:6px 0}"
  "label,legend{display:block;margin:14px 0 4px;font-weight:600;padding:0}"
  "label:first-child{margin-top:0}"
  "small{font-weight:400;color:#666;font-size:14px}"
  "input,select,textarea{display:block;width:100%;font:inherit;font-size:16px;padding:10px 12px;"
  "border:1px solid #b8b8b8;border-radius:6px;background:#fff;color:#222}"
  "textarea{min-height:9em;resize:vertical}"
  "input:focus,select:focus,textarea:focus{outline:2px solid #c8161d;outline-offset:-1px}"
  "fieldset{border:0;padding:0;margin:18px 0 0;min-width:0}"
  "fieldset label{font-weight:400}"
  "button,.button{display:block;width:100%;margin:20px 0 4px;padding:12px;font:inherit;"
  "font-size:18px;color:#fff;background:#c8161d;border:0;border-radius:6px;text-align:center;"
  "text-decoration:none}"
  ".hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}"
  ".problems{background:#fdecea;border:1px solid #f2b8b2;color:#8a1c14}"
  ".problems ul{margin:4px 0 0;padding-left:1.2em}"
  ".notice{background:#e7f4ea;border:1px solid #b5dcc0;color:#1d5e30}"
  ".code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:15px;word-break:break-all;"
  "background:#f4f4f4;border-radius:4px;padding:6px 8px;margin:4px 0}"
  "dl{margin:0}dt{color:#666;font-size:14px;margin-top:8px}dd{margin:0}"
  ".state{display:inline-block;padding:0 10px;border-radius:12px;background:#fff1c7;color:#6d5200}"
  ".state.done{background:#e2f2e6;color:#1d5e30}"
  ".text{white-space:pre-wrap;overflow-wrap:anywhere}"
  ".reply{border-left:3px solid #c8161d;padding:2px 0 2px 10px;margin:10px 0}"
  ".reply time{display:block;color:#666;font-size:14px}"
  ".muted{color:#666}"
  "a{color:#a80f15}"
  "footer{text-align:center;color:#888;font-size:13px;padding:0 16px 24px}";

/**
 * evg_page_csp:
 *
 * Returns: the Content-Security-Policy of every page: nothing but the
 *   pages' own style sheet, no script, no frame, forms sent only here
 */
const char *
evg_page_csp (void)
{
  static gsize made;
  static char *policy;

  if (g_once_init_enter (&made))
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize length = sizeof digest;
      g_autofree char *hash = NULL;

      g_checksum_update (checksum, (const guchar *) style_sheet, sizeof style_sheet - 1);
      g_checksum_get_digest (checksum, digest, &length);
      hash = g_base64_encode (digest, length);
      policy = g_strdup_printf ("default-src 'none'; style-src 'sha256-%s'; img-src 'self'; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'", hash);
      g_once_init_leave (&made, 1);
    }
  return policy;
}

/**
 * evg_html_append_text:
 *
 * Appends @text escaped for HTML text and for attribute values in double
 * or single quotes.  Text that is not UTF-8 is made so first.
 */
void
evg_html_append_text (GString    *out,
                      const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    return;
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&#39;"); break;
        default: g_string_append_c (out, *p); break;
        }
    }
}

static GString *
begin_page (const char *title,
            const char *branch_name)
{
  GString *out = g_string_sized_new (4096);

  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
                        "<meta name=\"format-detection\" content=\"telephone=no\">\n<title>");
  evg_html_append_text (out, title);
  if (branch_name != NULL)
    {
      g_string_append (out, " · ");
      evg_html_append_text (out, branch_name);
    }
  g_string_append (out, "</title>\n<style>");
  g_string_append (out, style_sheet);
  g_string_append (out, "</style>\n</head>\n<body>\n<header>\n<h1>");
  evg_html_append_text (out, title);
  g_string_append (out, "</h1>\n");
  if (branch_name != NULL)
    {
      g_string_append (out, "<p>");
      evg_html_append_text (out, branch_name);
      g_string_append (out, "</p>\n");
    }
  g_string_append (out, "</header>\n<main>\n");
  return out;
}

static char *
end_page (GString *out)
{
  g_string_append (out, "</main>\n<footer>党员E先锋工作站</footer>\n</body>\n</html>\n");
  return g_string_free (out, FALSE);
}

static void
append_choices (GString             *out,
                const EvgColumnSpec *column,
                const char          *selected)
{
  for (guint i = 0; i < column->n_choices; i++)
    {
      const EvgChoice *choice = &column->choices[i];

      g_string_append (out, "<option value=\"");
      evg_html_append_text (out, choice->code);
      g_string_append_c (out, '"');
      if (g_strcmp0 (selected, choice->code) == 0)
        g_string_append (out, " selected");
      g_string_append_c (out, '>');
      evg_html_append_text (out, choice->chinese);
      g_string_append (out, "</option>");
    }
}

static void
append_input (GString    *out,
              const char *name,
              const char *label,
              const char *hint,
              const char *attributes,
              guint       max_chars,
              const char *value)
{
  g_string_append_printf (out, "<label for=\"%s\">%s", name, label);
  if (hint != NULL)
    g_string_append_printf (out, " <small>%s</small>", hint);
  g_string_append_printf (out, "</label>\n<input id=\"%s\" name=\"%s\" maxlength=\"%u\" %s value=\"",
                          name, name, max_chars, attributes);
  evg_html_append_text (out, value);
  g_string_append (out, "\">\n");
}

/**
 * evg_page_form:
 * @code: the branch's code (letters, digits, - and _ only)
 * @token: the form's token (evg-server-public.c)
 * @values: (nullable): what the resident typed, shown again
 * @problems: (nullable): what is wrong with it, in Chinese
 *
 * Returns: (transfer full): the form of a branch's page
 */
char *
evg_page_form (const char          *code,
               const char          *branch_name,
               const char          *token,
               const EvgFormValues *values,
               const char * const  *problems)
{
  static const EvgFormValues empty = { 0 };
  GString *out = begin_page ("居民留言", branch_name);
  const EvgColumnSpec *content = evg_feedback_field_get_info (EVG_FEEDBACK_CONTENT);

  if (values == NULL)
    values = &empty;
  if (problems != NULL && problems[0] != NULL)
    {
      g_string_append (out, "<section class=\"problems\" role=\"alert\">\n<h2>请修改后再提交</h2>\n<ul>\n");
      for (guint i = 0; problems[i] != NULL; i++)
        {
          g_string_append (out, "<li>");
          evg_html_append_text (out, problems[i]);
          g_string_append (out, "</li>\n");
        }
      g_string_append (out, "</ul>\n</section>\n");
    }
  else
    g_string_append (out, "<section>\n<p>身边有难事、烦心事，或对社区有意见建议，请写下来。"
                          "支部收到后会及时联系办理，并在这里答复您。</p>\n</section>\n");

  /* The action is the page's own path: the branch code was checked to be
   * letters, digits, - and _ before any page is made for it. */
  g_string_append (out, "<section>\n<form method=\"post\" action=\"/f/");
  evg_html_append_text (out, code);
  g_string_append (out, "\" accept-charset=\"utf-8\">\n"
                        "<label for=\"category\">留言类别</label>\n"
                        "<select id=\"category\" name=\"category\" required>\n"
                        "<option value=\"\">请选择</option>");
  append_choices (out, evg_feedback_field_get_info (EVG_FEEDBACK_CATEGORY), values->category);
  g_string_append (out, "\n</select>\n");

  g_string_append_printf (out, "<label for=\"content\">留言内容 <small>必填，%u字以内</small></label>\n"
                               "<textarea id=\"content\" name=\"content\" rows=\"6\" maxlength=\"%u\" required "
                               "placeholder=\"请写明是什么事、在哪里、持续多久了\">",
                          content->max_chars, content->max_chars);
  evg_html_append_text (out, values->content);
  g_string_append (out, "</textarea>\n");

  append_input (out, "place", "地点", "选填", "autocomplete=\"off\" placeholder=\"如：3号楼2单元门口\"",
                evg_feedback_field_get_info (EVG_FEEDBACK_PLACE)->max_chars, values->place);

  g_string_append (out, "<fieldset>\n<legend>联系方式 <small>选填，仅供支部联系您，不会公开</small></legend>\n");
  append_input (out, "name", "称呼", NULL, "autocomplete=\"name\"",
                evg_feedback_field_get_info (EVG_FEEDBACK_FROM_NAME)->max_chars, values->name);
  append_input (out, "phone", "电话", NULL, "type=\"tel\" inputmode=\"tel\" autocomplete=\"tel\"",
                evg_feedback_field_get_info (EVG_FEEDBACK_CONTACT)->max_chars, values->phone);
  g_string_append (out, "</fieldset>\n");

  /* People never see this field, nor reach it with the Tab key; a program
   * that fills in every field it finds does, and its message is dropped. */
  g_string_append (out, "<div class=\"hp\" aria-hidden=\"true\"><label for=\"website\">请勿填写此项</label>"
                        "<input id=\"website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>\n"
                        "<input type=\"hidden\" name=\"token\" value=\"");
  evg_html_append_text (out, token);
  g_string_append (out, "\">\n<button type=\"submit\">提交留言</button>\n</form>\n"
                        "<p class=\"muted\"><small>提交后您会得到一个查询码，凭它查看办理进度和支部的答复。</small></p>\n"
                        "</section>\n");
  return end_page (out);
}

static const char *
choice_text (EvgFeedbackField  field,
             const char       *code)
{
  const EvgChoice *choice = code != NULL
                            ? evg_column_spec_find_choice (evg_feedback_field_get_info (field), code)
                            : NULL;

  return choice != NULL ? choice->chinese : "—";
}

/**
 * evg_page_status:
 * @just_sent: the answer to the form that sent it: say so, and show the
 *   tracking code first
 *
 * Returns: (transfer full): a message's status page: its status, what
 *   the resident wrote, and the branch's public replies
 */
char *
evg_page_status (const EvgPublicStatus *status,
                 gboolean               just_sent)
{
  GString *out = begin_page (just_sent ? "留言已提交" : "办理进度", status->branch_name);
  gboolean done = g_strcmp0 (status->status, "closed") == 0;

  if (just_sent)
    g_string_append (out, "<section class=\"notice\" role=\"status\">\n"
                          "<p>感谢您的留言，支部已经收到。</p>\n"
                          "<p>请记下查询码，或打开下面的办理进度页并收藏，之后可在那里查看支部的答复：</p>\n");
  else
    g_string_append (out, "<section>\n<p>查询码：</p>\n");
  g_string_append (out, "<p class=\"code\" id=\"tracking-code\">");
  evg_html_append_text (out, status->id);
  g_string_append (out, "</p>\n");
  if (just_sent)
    {
      g_string_append (out, "<a class=\"button\" id=\"status-link\" href=\"/f/status/");
      evg_html_append_text (out, status->id);
      g_string_append (out, "\">查看办理进度</a>\n");
    }
  g_string_append (out, "</section>\n<section>\n<dl>\n<dt>状态</dt><dd><span class=\"state");
  if (done)
    g_string_append (out, " done");
  g_string_append (out, "\" id=\"status\">");
  evg_html_append_text (out, choice_text (EVG_FEEDBACK_STATUS, status->status));
  g_string_append (out, "</span></dd>\n<dt>类别</dt><dd>");
  evg_html_append_text (out, choice_text (EVG_FEEDBACK_CATEGORY, status->category));
  g_string_append (out, "</dd>\n<dt>提交时间</dt><dd>");
  evg_html_append_text (out, status->received_at);
  g_string_append (out, "</dd>\n");
  if (status->place != NULL)
    {
      g_string_append (out, "<dt>地点</dt><dd>");
      evg_html_append_text (out, status->place);
      g_string_append (out, "</dd>\n");
    }
  g_string_append (out, "<dt>留言内容</dt><dd class=\"text\">");
  evg_html_append_text (out, status->content);
  g_string_append (out, "</dd>\n</dl>\n</section>\n<section id=\"replies\">\n<h2>支部答复</h2>\n");
  if (status->replies->len == 0)
    g_string_append (out, "<p class=\"muted\">还没有答复。支部办理后会在这里答复您，请稍后再来查看。</p>\n");
  for (guint i = 0; i < status->replies->len; i++)
    {
      const EvgPublicReply *reply = g_ptr_array_index (status->replies, i);

      g_string_append (out, "<div class=\"reply\"><time>");
      evg_html_append_text (out, reply->at);
      g_string_append (out, "</time><div class=\"text\">");
      evg_html_append_text (out, reply->text);
      g_string_append (out, "</div></div>\n");
    }
  g_string_append (out, "</section>\n<p><a href=\"/f/");
  evg_html_append_text (out, status->branch_code);
  g_string_append (out, "\">再写一条留言</a></p>\n");
  return end_page (out);
}

/**
 * evg_page_message:
 *
 * Returns: (transfer full): a page that only says something: a refusal,
 *   a page not found
 */
char *
evg_page_message (const char *title,
                  const char *text)
{
  GString *out = begin_page (title, NULL);

  g_string_append (out, "<section>\n<p>");
  evg_html_append_text (out, text);
  g_string_append (out, "</p>\n</section>\n");
  return end_page (out);
}
