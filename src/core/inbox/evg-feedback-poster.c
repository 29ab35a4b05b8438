/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-feedback-poster"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "evg-feedback-poster.h"
#include "evg-inbox.h"
#include "evg-paper.h"

/* Like the member cards, the poster is the branch's, in Chinese whatever
 * language the desktop speaks.  One A4 page, read from a few steps away:
 * a red band with the title, the branch's name, the invitation in large
 * type, the code in the middle (over 10 cm, so an old phone reads it from
 * a metre), the address under it, and what happens after one writes. */

#define MARGIN        56.0    /* 2 cm */
#define BAND_HEIGHT  150.0
#define TITLE_SIZE    54.0
#define BRANCH_SIZE   20.0
#define LEAD_SIZE     26.0
#define BODY_SIZE     15.0
#define URL_SIZE      13.0
#define CODE_SIZE    300.0    /* 10.6 cm */
#define GAP           18.0

#define RED 0.78, 0.07, 0.09

struct _EvgFeedbackPoster
{
  GObject parent_instance;

  char         *branch_name;
  char         *page_url;
  guint         respond_hours;
  PangoContext *context;
  double        width;
  double        height;
};

static void evg_feedback_poster_pages_init (EvgPagesInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EvgFeedbackPoster, evg_feedback_poster, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (EVG_TYPE_PAGES, evg_feedback_poster_pages_init))

static const char *
get_title (EvgPages *pages)
{
  return "居民留言二维码";
}

static guint
paginate (EvgPages *pages,
          double    width,
          double    height)
{
  EvgFeedbackPoster *self = EVG_FEEDBACK_POSTER (pages);

  self->width = width;
  self->height = height;
  return 1;
}

/* Shows @text centred across the page at @y, wrapped to the margins;
 * returns the y below it. */
static double
show_centred (EvgFeedbackPoster *self,
              cairo_t           *cr,
              const char        *text,
              double             size,
              PangoWeight        weight,
              double             y)
{
  g_autoptr(PangoLayout) layout = evg_paper_layout_new (self->context, size, weight);

  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, pango_units_from_double (self->width - 2 * MARGIN));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  cairo_move_to (cr, MARGIN, y);
  pango_cairo_show_layout (cr, layout);
  return y + evg_paper_layout_get_height (layout);
}

static void
draw_page (EvgPages *pages,
           cairo_t  *cr,
           guint     page)
{
  EvgFeedbackPoster *self = EVG_FEEDBACK_POSTER (pages);
  g_autofree char *promise = NULL;
  double y, code_size = MIN (CODE_SIZE, self->width - 2 * MARGIN);

  /* The band and its title, white on red. */
  cairo_set_source_rgb (cr, RED);
  cairo_rectangle (cr, 0, 0, self->width, BAND_HEIGHT);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  y = show_centred (self, cr, "居民留言板", TITLE_SIZE, PANGO_WEIGHT_BOLD, 28);
  show_centred (self, cr, self->branch_name, BRANCH_SIZE, PANGO_WEIGHT_NORMAL, y + 4);

  cairo_set_source_rgb (cr, 0, 0, 0);
  y = show_centred (self, cr, "小区里的大事小情，扫码告诉我们", LEAD_SIZE, PANGO_WEIGHT_BOLD,
                    BAND_HEIGHT + 2 * GAP);
  y = show_centred (self, cr, "用微信或手机相机扫描下方二维码，填写留言即可，不用下载软件。",
                    BODY_SIZE, PANGO_WEIGHT_NORMAL, y + GAP / 2);

  y += GAP;
  if (!evg_paper_draw_qr_code (cr, self->page_url, (self->width - code_size) / 2, y, code_size))
    g_warning ("No QR code for %s: %s", self->page_url, g_strerror (errno));
  y += code_size;

  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  y = show_centred (self, cr, self->page_url, URL_SIZE, PANGO_WEIGHT_NORMAL, y + GAP / 2);

  cairo_set_source_rgb (cr, 0, 0, 0);
  promise = g_strdup_printf ("我们会在 %u 小时内与您联系。提交后您会得到一个查询码，"
                             "凭它随时查看办理进度和我们的答复。", self->respond_hours);
  y = show_centred (self, cr, promise, BODY_SIZE, PANGO_WEIGHT_NORMAL, y + 1.5 * GAP);
  show_centred (self, cr, "姓名和电话可以不填；填写的，只用于回复您，不会公开。", BODY_SIZE,
                PANGO_WEIGHT_NORMAL, y + GAP / 2);

  /* The branch signs it at the foot, over a red rule. */
  cairo_set_source_rgb (cr, RED);
  cairo_rectangle (cr, MARGIN, self->height - MARGIN - 36, self->width - 2 * MARGIN, 1.5);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  show_centred (self, cr, self->branch_name, BODY_SIZE, PANGO_WEIGHT_BOLD, self->height - MARGIN - 26);
}

static void
evg_feedback_poster_pages_init (EvgPagesInterface *iface)
{
  iface->get_title = get_title;
  iface->paginate = paginate;
  iface->draw_page = draw_page;
}

static void
evg_feedback_poster_finalize (GObject *object)
{
  EvgFeedbackPoster *self = EVG_FEEDBACK_POSTER (object);

  g_free (self->branch_name);
  g_free (self->page_url);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (evg_feedback_poster_parent_class)->finalize (object);
}

static void
evg_feedback_poster_class_init (EvgFeedbackPosterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = evg_feedback_poster_finalize;
}

static void
evg_feedback_poster_init (EvgFeedbackPoster *self)
{
  self->context = evg_paper_context_new ();
  self->width = EVG_PAPER_A4_WIDTH;
  self->height = EVG_PAPER_A4_HEIGHT;
}

/**
 * evg_feedback_poster_new:
 * @branch_name: what the branch is called, as the poster shows it
 * @page_url: the branch's public feedback page (evg_feedback_page_url())
 * @respond_hours: the time to respond the poster promises
 */
EvgFeedbackPoster *
evg_feedback_poster_new (const char *branch_name,
                         const char *page_url,
                         guint       respond_hours)
{
  EvgFeedbackPoster *self;

  g_return_val_if_fail (page_url != NULL, NULL);

  self = g_object_new (EVG_TYPE_FEEDBACK_POSTER, NULL);
  self->branch_name = g_strdup (branch_name != NULL && *branch_name != '\0' ? branch_name : "党支部");
  self->page_url = g_strdup (page_url);
  self->respond_hours = respond_hours;
  return self;
}

/**
 * evg_feedback_page_url:
 * @server_url: (nullable): the central server's address, as sync uses it
 * @branch_code: (nullable): the branch's code
 *
 * Returns: (transfer full): the address of the branch's public feedback
 *   page, `SERVER/f/CODE`, or %NULL with @error set when either is missing
 */
char *
evg_feedback_page_url (const char  *server_url,
                       const char  *branch_code,
                       GError     **error)
{
  g_autofree char *base = NULL;
  g_autofree char *code = NULL;

  if (server_url == NULL || *server_url == '\0')
    {
      g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID,
                           _("The poster needs the central server’s address: set up sync in "
                             "Preferences first."));
      return NULL;
    }
  if (branch_code == NULL || *branch_code == '\0')
    {
      g_set_error_literal (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID,
                           _("The poster needs the branch code: enter it in Preferences first."));
      return NULL;
    }
  base = g_strdup (server_url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  code = g_uri_escape_string (branch_code, NULL, FALSE);
  return g_strdup_printf ("%s/f/%s", base, code);
}
