/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-csv"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "evg-csv.h"

G_DEFINE_QUARK (evg-csv-error-quark, evg_csv_error)

struct _EvgCsvReader
{
  char       *data;       /* owned: the buffer that holds text */
  GDestroyNotify data_free;
  const char *text;       /* the whole file as UTF-8 */
  gsize       len;
  gsize       pos;
  guint       line;       /* physical line of pos, from 1 */
  guint       n_blank;    /* empty lines passed over between rows */
  guint       open_quote_line;  /* where the quote still open at the end opened, or 0 */
  char        delimiter;
  const char *encoding;
  GString    *cells;      /* this row's cells, each ending in \0 */
  GArray     *starts;     /* offsets into cells */
  GPtrArray  *fields;     /* pointers into cells, handed out */
};

/* What spreadsheet programs save when asked for a workbook rather than a
 * CSV file (.xlsx, .xls, WPS's .et): a ZIP archive or an OLE compound
 * file, each known by its first bytes. */
static gboolean
is_workbook (const guchar *u,
             gsize         len)
{
  static const guchar zip[] = { 'P', 'K', 0x03, 0x04 };
  static const guchar ole[] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

  return (len >= sizeof zip && memcmp (u, zip, sizeof zip) == 0) ||
         (len >= sizeof ole && memcmp (u, ole, sizeof ole) == 0);
}

/* The line, from 1, that byte @offset of @data is on. */
static guint
line_of_offset (const char *data,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n' || (data[i] == '\r' && data[i + 1] != '\n'))
      line++;
  return line;
}

/* Explains NUL bytes in @data, which no CSV file that Excel, WPS or a text
 * editor saves as UTF-8 or GBK holds.  Text in UTF-16 without a
 * byte-order mark has one in every other byte wherever it is ASCII
 * (digits, commas, line breaks) and hardly any in the others, so the bytes
 * at the start tell it from a workbook, UTF-32 or a damaged file. */
static void
set_nul_error (const char  *data,
               gsize        len,
               const char  *nul,
               GError     **error)
{
  gsize n = MIN (len, 4096) & ~(gsize) 1;
  guint even = 0, odd = 0;

  for (gsize i = 0; i < n; i += 2)
    {
      even += data[i] == '\0';
      odd += data[i + 1] == '\0';
    }
  /* Nine in ten on one side: a Chinese character such as 一 (U+4E00)
   * has a NUL on the other. */
  if (even + odd >= 2 && MAX (even, odd) * 10 >= (even + odd) * 9)
    g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_ENCODING,
                 _("The file is UTF-16 text without the mark that tells its byte order, so it "
                   "cannot be read safely. Open it in Excel or WPS, save it as “CSV UTF-8 "
                   "(Comma delimited)” and import the saved file."));
  else
    g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_BINARY,
                 _("The file holds NUL bytes (the first on line %u), which a CSV file never "
                   "does: it may be a workbook, text in UTF-16 or UTF-32, or a damaged file. "
                   "Open it in Excel or WPS, save it as “CSV UTF-8 (Comma delimited)” and "
                   "import the saved file."),
                 line_of_offset (data, (gsize) (nul - data)));
}

/* Turns the file into UTF-8.  Text that is valid UTF-8 is taken as UTF-8:
 * GBK text of any length is almost never valid UTF-8, while the reverse
 * guess would misread every UTF-8 file.  Returns the buffer that holds the
 * text: @data itself when it is UTF-8 already (a roster of 100,000 members
 * is 17 MB, too much to copy for nothing), or else a converted copy. */
static char *
to_utf8 (char         *data,
         gsize         len,
         const char  **text,
         gsize        *text_len,
         const char  **encoding,
         GError      **error)
{
  const guchar *u = (const guchar *) data;
  g_autoptr(GError) local = NULL;
  gsize skip = 0;
  const char *nul;
  char *converted;

  /* Importers read .xlsx workbooks themselves (see evg-row-reader.c);
   * the older kinds, and .xlsx files with a password (which are compound
   * files too), need saving again. */
  if (is_workbook (u, len) && u[0] != 'P')
    {
      g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_BINARY,
                   _("The file is an older workbook (.xls or WPS .et) or one protected by a "
                     "password, which this program cannot read. Open it in Excel or WPS, save "
                     "it without a password as “Excel Workbook (*.xlsx)” or as “CSV UTF-8 "
                     "(Comma delimited)” and import the saved file."));
      return NULL;
    }
  if (is_workbook (u, len))
    {
      g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_BINARY,
                   _("The file is a workbook (.xlsx, .xls or .et), not a CSV file. Open it in "
                     "Excel or WPS, save it as “CSV UTF-8 (Comma delimited)” and import the "
                     "saved file."));
      return NULL;
    }
  /* Checked before UTF-16, whose little-endian mark begins UTF-32's. */
  if (len >= 4 && ((u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) ||
                   (u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)))
    {
      g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_ENCODING,
                   _("The file is UTF-32 text, which spreadsheets do not write and this program "
                     "does not read. Open it in Excel or WPS, save it as “CSV UTF-8 (Comma "
                     "delimited)” and import the saved file."));
      return NULL;
    }

  if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
    {
      skip = 3;
      *encoding = "UTF-8";
    }
  else if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
    {
      *encoding = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
      converted = g_convert (data + 2, (gssize) len - 2, "UTF-8", *encoding, NULL, text_len, &local);
      if (converted == NULL)
        {
          g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_ENCODING,
                       _("The file starts as UTF-16 text (Excel’s “Unicode text”) but is not "
                         "valid UTF-16 (%s). Open it in Excel or WPS, save it as “CSV UTF-8 "
                         "(Comma delimited)” and import the saved file."), local->message);
          return NULL;
        }
      nul = memchr (converted, '\0', *text_len);
      if (nul != NULL)
        {
          set_nul_error (converted, *text_len, nul, error);
          g_free (converted);
          return NULL;
        }
      *text = converted;
      return converted;
    }
  else
    *encoding = "UTF-8";

  if (g_utf8_validate (data + skip, (gssize) (len - skip), NULL))
    {
      *text = data + skip;
      *text_len = len - skip;
      return data;
    }

  /* g_utf8_validate() refuses NUL too; GB18030 would take it. */
  nul = memchr (data, '\0', len);
  if (nul != NULL)
    {
      set_nul_error (data, len, nul, error);
      return NULL;
    }

  /* GB18030 is a superset of GBK and GB2312, so one try covers all three. */
  converted = g_convert (data, (gssize) len, "UTF-8", "GB18030", NULL, text_len, &local);
  if (converted == NULL || !g_utf8_validate (converted, (gssize) *text_len, NULL))
    {
      g_free (converted);
      g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_ENCODING,
                   _("The file is not text in UTF-8 or GBK; save it from the spreadsheet as "
                     "“CSV UTF-8” and try again."));
      return NULL;
    }
  *encoding = "GB18030";
  *text = converted;
  return converted;
}

/* evg_csv_reader_new(), taking @data, which @data_free frees. */
static EvgCsvReader *
reader_new_take (char           *data,
                 gsize           len,
                 GDestroyNotify  data_free,
                 GError        **error)
{
  g_autoptr(EvgCsvReader) self = g_new0 (EvgCsvReader, 1);
  gsize commas = 0, tabs = 0;
  gboolean quoted = FALSE, cell_start = TRUE;

  self->data = to_utf8 (data, len, &self->text, &self->len, &self->encoding, error);
  if (self->data != data)
    data_free (data);
  if (self->data == NULL)
    return NULL;
  self->data_free = self->data == data ? data_free : g_free;
  self->line = 1;
  self->cells = g_string_new (NULL);
  self->starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->fields = g_ptr_array_new ();

  /* The header row decides the separator. */
  for (gsize i = 0; i < self->len; i++)
    {
      char c = self->text[i];

      /* Quotes as evg_csv_reader_next() reads them: one that does not
       * start a cell is a character of it. */
      if (quoted)
        {
          if (c == '"' && i + 1 < self->len && self->text[i + 1] == '"')
            i++;
          else if (c == '"')
            quoted = FALSE;
          continue;
        }
      if (c == '"' && cell_start)
        {
          quoted = TRUE;
          cell_start = FALSE;
          continue;
        }
      if (c == '\n' || c == '\r')
        break;
      if (c == ',')
        commas++;
      else if (c == '\t')
        tabs++;
      cell_start = c == ',' || c == '\t';
    }
  self->delimiter = tabs > commas ? '\t' : ',';

  return g_steal_pointer (&self);
}

/**
 * evg_csv_reader_new:
 * @data: the file's bytes, in any encoding the reader knows
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL when @data is not
 *   readable text
 */
EvgCsvReader *
evg_csv_reader_new (const char  *data,
                    gsize        len,
                    GError     **error)
{
  /* Not g_strndup(), which would stop at a NUL byte and hide it. */
  char *copy = g_malloc (len + 1);

  memcpy (copy, data, len);
  copy[len] = '\0';
  return reader_new_take (copy, len, g_free, error);
}

/* Files from this size on are read into memory in huge pages. */
#define HUGE_PAGE (2 * 1024 * 1024)
#define LARGE_FILE (2 * HUGE_PAGE)

/* A buffer for @size bytes and a NUL.  One of a large file goes where
 * Linux may back it with 2 MiB pages: in 4 KiB pages, reading a roster of
 * 100,000 members (17 MB) takes four thousand page faults and checking it
 * as many TLB misses, which on a virtual machine took longer than both the
 * reading and the checking otherwise do. */
static char *
alloc_buffer (gsize           size,
              GDestroyNotify *data_free)
{
#ifdef MADV_HUGEPAGE
  if (size >= LARGE_FILE)
    {
      gsize alloc = (size + 1 + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
      char *data = g_aligned_alloc (1, alloc, HUGE_PAGE);

      /* Only advice: without huge pages the buffer is an ordinary one. */
      madvise (data, alloc, MADV_HUGEPAGE);
      *data_free = g_aligned_free;
      return data;
    }
#endif
  *data_free = g_free;
  return g_malloc (size + 1);
}

/* Says what @mode is when it is not a regular file. */
static void
set_not_file_error (mode_t   mode,
                    GError **error)
{
  if (S_ISDIR (mode))
    g_set_error_literal (error, EVG_CSV_ERROR, EVG_CSV_ERROR_NOT_FILE,
                         _("It is a folder, not a file; choose the CSV file itself."));
  else if (S_ISCHR (mode) || S_ISBLK (mode))
    g_set_error_literal (error, EVG_CSV_ERROR, EVG_CSV_ERROR_NOT_FILE,
                         _("It is a device, not a file saved on disk. Save the roster as a CSV "
                           "file and import that file."));
  else if (S_ISFIFO (mode) || S_ISSOCK (mode))
    g_set_error_literal (error, EVG_CSV_ERROR, EVG_CSV_ERROR_NOT_FILE,
                         _("It is a pipe, not a file saved on disk. Save the roster as a CSV "
                           "file and import that file."));
  else
    g_set_error_literal (error, EVG_CSV_ERROR, EVG_CSV_ERROR_NOT_FILE,
                         _("It is not an ordinary file. Save the roster as a CSV file and "
                           "import that file."));
}

static void
set_errno_error (int      saved_errno,
                 GError **error)
{
  g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       g_strerror (saved_errno));
}

/* Reads the regular file at @path whole.  Anything else is refused before
 * a byte of it is read, and so is a file over @max_size: reading a pipe
 * blocks until something writes to it, and a device such as /dev/zero
 * never ends.  Opening without blocking matters too, as opening a pipe
 * for reading waits for a writer. */
static char *
read_file (const char      *path,
           guint64          max_size,
           gsize           *len,
           GDestroyNotify  *data_free,
           GError         **error)
{
  struct stat st;
  char *data;
  gsize size, got = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      set_errno_error (errno, error);
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      set_errno_error (errno, error);
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      set_not_file_error (st.st_mode, error);
      close (fd);
      return NULL;
    }
  if ((guint64) st.st_size > max_size || (guint64) st.st_size > G_MAXSIZE - 2 * HUGE_PAGE)
    {
      g_autofree char *size_text = g_format_size ((guint64) st.st_size);
      g_autofree char *max_text = g_format_size (max_size);

      g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_TOO_LARGE,
                   _("The file is %s, more than the limit of %s for an import. Split it into "
                     "smaller files, or raise the limit (--max-size on the command line, the "
                     "import-size-limit setting in the app)."),
                   size_text, max_text);
      close (fd);
      return NULL;
    }

  /* What the file holds when it is opened: one still being written is
   * read up to that size, which the limit was checked against. */
  size = (gsize) st.st_size;
  data = alloc_buffer (size, data_free);
  while (got < size)
    {
      gssize n = read (fd, data + got, size - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (errno, error);
          (*data_free) (data);
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      got += (gsize) n;
    }
  close (fd);
  data[got] = '\0';
  *len = got;
  return data;
}

/**
 * evg_csv_reader_new_for_path:
 * @max_size: the largest file to read, in bytes; %EVG_CSV_DEFAULT_MAX_SIZE
 *   unless the user chose another
 *
 * Returns: (transfer full) (nullable): a reader for the file, or %NULL with
 *   a #GFileError or an #EVG_CSV_ERROR
 */
EvgCsvReader *
evg_csv_reader_new_for_path (const char  *path,
                             guint64      max_size,
                             GError     **error)
{
  GDestroyNotify data_free = NULL;
  gsize len = 0;
  char *data;

  g_return_val_if_fail (path != NULL, NULL);

  data = read_file (path, max_size, &len, &data_free, error);
  if (data == NULL)
    return NULL;
  return reader_new_take (data, len, data_free, error);
}

void
evg_csv_reader_free (EvgCsvReader *reader)
{
  if (reader == NULL)
    return;
  if (reader->data != NULL)
    reader->data_free (reader->data);
  if (reader->cells != NULL)
    g_string_free (reader->cells, TRUE);
  g_clear_pointer (&reader->starts, g_array_unref);
  g_clear_pointer (&reader->fields, g_ptr_array_unref);
  g_free (reader);
}

/* The encoding the file was in: "UTF-8", "GB18030", "UTF-16LE"… */
const char *
evg_csv_reader_get_encoding (EvgCsvReader *reader)
{
  return reader->encoding;
}

/* How far through the file the reader is, from 0 to 1. */
double
evg_csv_reader_get_fraction (EvgCsvReader *reader)
{
  return reader->len > 0 ? (double) reader->pos / (double) reader->len : 1.0;
}

static gboolean
is_line_end (char c)
{
  return c == '\n' || c == '\r';
}

/**
 * evg_csv_reader_get_n_lines:
 *
 * Returns: the physical lines the reader has gone past, blank ones and
 *   those inside quoted cells included, and a last one without a line
 *   break; once evg_csv_reader_next() returned %FALSE, the file's count
 */
guint
evg_csv_reader_get_n_lines (EvgCsvReader *reader)
{
  /* The reader stops only after a whole line break (CR LF together). */
  if (reader->pos > 0 && !is_line_end (reader->text[reader->pos - 1]))
    return reader->line;
  return reader->line - 1;
}

/* The empty lines evg_csv_reader_next() has passed over between rows. */
guint
evg_csv_reader_get_n_blank_lines (EvgCsvReader *reader)
{
  return reader->n_blank;
}

/* The separator the header row showed: ',' or '\t'. */
char
evg_csv_reader_get_delimiter (EvgCsvReader *reader)
{
  return reader->delimiter;
}

/**
 * evg_csv_reader_finish:
 *
 * Says whether the file ended well, once evg_csv_reader_next() returned
 * %FALSE.  A quote left open swallows everything after it into one cell,
 * so the rows read before it cannot be told from the rest of the file's:
 * the caller must not use any of them.
 *
 * Returns: %FALSE with %EVG_CSV_ERROR_UNTERMINATED, naming the line the
 *   open quote is on, when the file ended inside a quoted cell
 */
gboolean
evg_csv_reader_finish (EvgCsvReader  *reader,
                       GError       **error)
{
  if (reader->open_quote_line == 0)
    return TRUE;
  g_set_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_UNTERMINATED,
               _("The quote (\") that opens a cell on line %u is never closed, so every line "
                 "after it would be read into that one cell. Nothing was imported: add the "
                 "missing closing quote in the spreadsheet, or delete the stray one, save the "
                 "file and import it again."),
               reader->open_quote_line);
  return FALSE;
}

static void
end_cell (EvgCsvReader *self)
{
  g_string_append_c (self->cells, '\0');
}

/**
 * evg_csv_reader_next:
 * @fields: (out) (transfer none): the row's cells, valid until the next call
 * @line: (out) (optional): the line the row starts on, from 1
 *
 * Reads the next row, skipping blank lines.
 *
 * Returns: %FALSE at the end of the file, or when it ends inside a quoted
 *   cell (see evg_csv_reader_finish()); the row that began there is not
 *   returned
 */
gboolean
evg_csv_reader_next (EvgCsvReader  *self,
                     GPtrArray    **fields,
                     guint         *line)
{
  const char *text = self->text;
  gsize pos = self->pos, len = self->len;
  gboolean quoted = FALSE, cell_start = TRUE;
  guint quote_line = 0;
  gsize start;

  /* Blank lines between rows are no rows. */
  while (pos < len && is_line_end (text[pos]))
    {
      if (text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n')
        pos++;
      pos++;
      self->line++;
      self->n_blank++;
    }
  if (pos >= len)
    {
      self->pos = pos;
      return FALSE;
    }

  if (line != NULL)
    *line = self->line;
  g_string_truncate (self->cells, 0);
  g_array_set_size (self->starts, 0);
  start = 0;
  g_array_append_val (self->starts, start);

  while (pos < len)
    {
      char c = text[pos];
      gsize run;

      if (quoted)
        {
          if (c == '"')
            {
              if (pos + 1 < len && text[pos + 1] == '"')
                {
                  g_string_append_c (self->cells, '"');
                  pos += 2;
                  continue;
                }
              quoted = FALSE;
              pos++;
              continue;
            }
          if (c == '\n' || (c == '\r' && (pos + 1 >= len || text[pos + 1] != '\n')))
            self->line++;
          g_string_append_c (self->cells, c);
          pos++;
          continue;
        }

      /* Only at the start of a cell does a quote open a quoted one. */
      if (c == '"' && cell_start)
        {
          quoted = TRUE;
          quote_line = self->line;
          cell_start = FALSE;
          pos++;
          continue;
        }
      if (c == self->delimiter)
        {
          end_cell (self);
          start = self->cells->len;
          g_array_append_val (self->starts, start);
          cell_start = TRUE;
          pos++;
          continue;
        }
      if (is_line_end (c))
        {
          if (c == '\r' && pos + 1 < len && text[pos + 1] == '\n')
            pos++;
          pos++;
          self->line++;
          break;
        }

      /* Copy a run of plain characters at once, quotes among them. */
      for (run = pos; run < len && text[run] != self->delimiter && !is_line_end (text[run]); run++)
        ;
      g_string_append_len (self->cells, text + pos, (gssize) (run - pos));
      cell_start = FALSE;
      pos = run;
    }
  self->pos = pos;

  if (quoted)
    {
      self->open_quote_line = quote_line;
      return FALSE;
    }

  end_cell (self);
  g_ptr_array_set_size (self->fields, 0);
  for (guint i = 0; i < self->starts->len; i++)
    g_ptr_array_add (self->fields, self->cells->str + g_array_index (self->starts, gsize, i));
  *fields = self->fields;
  return TRUE;
}

void
evg_csv_append_bom (GString *out)
{
  g_string_append (out, "\xEF\xBB\xBF");
}

/* Appends one row, quoting the cells that need it, ending in CRLF. */
void
evg_csv_append_row (GString     *out,
                    const char **fields,
                    guint        n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      const char *value = fields[i] != NULL ? fields[i] : "";
      gboolean quote = strpbrk (value, ",\"\r\n\t") != NULL ||
                       (*value != '\0' && (value[0] == ' ' || value[strlen (value) - 1] == ' '));

      if (i > 0)
        g_string_append_c (out, ',');
      if (!quote)
        {
          g_string_append (out, value);
          continue;
        }
      g_string_append_c (out, '"');
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  g_string_append (out, "\r\n");
}

/**
 * evg_csv_cell_is_formula_like:
 *
 * Whether Excel, WPS or LibreOffice may take @value as a formula when they
 * open a CSV file: it starts with = + - or @, or with a tab or carriage
 * return, which some of them skip before looking (OWASP's list for CSV
 * injection).  =HYPERLINK(…) sends whoever clicks it to another site, and
 * +cmd|… runs a program once the warning is answered.
 */
gboolean
evg_csv_cell_is_formula_like (const char *value)
{
  return value != NULL && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL;
}

/**
 * evg_csv_neutralize_cell:
 *
 * Returns: (transfer full) (nullable): @value with an apostrophe before it
 *   when it is formula-like, which spreadsheets show as text; otherwise a
 *   copy of @value
 */
char *
evg_csv_neutralize_cell (const char *value)
{
  if (evg_csv_cell_is_formula_like (value))
    return g_strconcat ("'", value, NULL);
  return g_strdup (value);
}
