/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-pages"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <unistd.h>

#include "evg-pages.h"
#include "evg-paper.h"

G_DEFINE_INTERFACE (EvgPages, evg_pages, G_TYPE_OBJECT)

static void
evg_pages_default_init (EvgPagesInterface *iface)
{
}

/**
 * evg_pages_get_title:
 *
 * Returns: what the document is called: the PDF's title, the print job's
 *   name
 */
const char *
evg_pages_get_title (EvgPages *self)
{
  g_return_val_if_fail (EVG_IS_PAGES (self), NULL);
  return EVG_PAGES_GET_IFACE (self)->get_title (self);
}

/**
 * evg_pages_paginate:
 * @page_width: in points
 * @page_height: in points
 *
 * Lays the document out on pages of this size.
 *
 * Returns: the number of pages, at least one
 */
guint
evg_pages_paginate (EvgPages *self,
                    double    page_width,
                    double    page_height)
{
  g_return_val_if_fail (EVG_IS_PAGES (self), 0);
  g_return_val_if_fail (page_width > 0 && page_height > 0, 0);
  return EVG_PAGES_GET_IFACE (self)->paginate (self, page_width, page_height);
}

/**
 * evg_pages_draw_page:
 * @cr: a context whose unit is the point and whose origin is the page's
 *   top left corner
 * @page: counted from 0, below what the last evg_pages_paginate() returned
 *
 * Draws one page of the last pagination.
 */
void
evg_pages_draw_page (EvgPages *self,
                     cairo_t  *cr,
                     guint     page)
{
  g_return_if_fail (EVG_IS_PAGES (self));
  g_return_if_fail (cr != NULL);
  EVG_PAGES_GET_IFACE (self)->draw_page (self, cr, page);
}

static cairo_status_t
append_to_bytes (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Writes a file next to @path and renames it over @path once it is on the
 * disk, so that a failure leaves neither half a file nor a damaged older one. */
static gboolean
save_whole (const char    *path,
            const guint8  *data,
            gsize          length,
            GError       **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *temp = g_build_filename (folder, name, NULL);
  int fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0666);
  int failure = fd < 0 ? errno : 0;

  while (failure == 0 && length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno != EINTR)
        failure = errno;
      else if (written > 0)
        {
          data += written;
          length -= (gsize) written;
        }
    }
  if (failure == 0 && fsync (fd) != 0)
    failure = errno;
  if (fd >= 0 && close (fd) != 0 && failure == 0)
    failure = errno;
  if (failure == 0 && g_rename (temp, path) != 0)
    failure = errno;
  if (failure != 0)
    {
      if (fd >= 0)
        g_unlink (temp);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (failure),
                   _("Could not save “%s”: %s"), path, g_strerror (failure));
      return FALSE;
    }
  return TRUE;
}

/**
 * evg_pages_write_pdf:
 * @path: the PDF file to write, replaced if it exists
 *
 * Lays the document out on A4 and saves it as a PDF with its fonts
 * embedded.  The file appears whole or not at all.
 *
 * Returns: %TRUE on success
 */
gboolean
evg_pages_write_pdf (EvgPages    *self,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GByteArray) pdf = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint n_pages;

  g_return_val_if_fail (EVG_IS_PAGES (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  n_pages = evg_pages_paginate (self, EVG_PAPER_A4_WIDTH, EVG_PAPER_A4_HEIGHT);
  surface = cairo_pdf_surface_create_for_stream (append_to_bytes, pdf, EVG_PAPER_A4_WIDTH,
                                                 EVG_PAPER_A4_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, evg_pages_get_title (self));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "E-Vanguard");
  cr = cairo_create (surface);
  for (guint page = 0; page < n_pages; page++)
    {
      evg_pages_draw_page (self, cr, page);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not make the PDF: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return save_whole (path, pdf->data, pdf->len, error);
}
