/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-xlsx"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "evg-xlsx.h"

G_DEFINE_QUARK (evg-xlsx-error-quark, evg_xlsx_error)

/* What one read from the container takes: large enough that inflating and
 * parsing, not the calls, take the time. */
#define CHUNK (64 * 1024)

/* Excel's own bounds: no sheet has more. */
#define MAX_ROWS    1048576
#define MAX_COLUMNS 16384

/* The last day Excel counts, 9999-12-31, as a serial of the 1900 system. */
#define MAX_SERIAL 2958465

typedef enum
{
  CELL_NUMBER,
  CELL_SHARED,
  CELL_INLINE,
  CELL_BOOLEAN,
  CELL_TEXT,      /* a formula's text result, or an error such as #N/A */
  CELL_DATE,      /* an ISO 8601 date, which only some writers use */
} CellType;

/* A row parsed but not yet handed out: its cells, each ending in a NUL,
 * one after the other in column order. */
typedef struct
{
  guint    line;
  guint    n_cells;
  GString *text;
} Row;

struct _EvgXlsxReader
{
  zip_t      *zip;
  guint64     max_size;
  guint64     unpacked;    /* bytes inflated so far, every part together */
  gboolean    date1904;

  GPtrArray  *sheet_names;
  GPtrArray  *sheet_parts;
  GString    *strings;     /* the shared strings, each ending in a NUL */
  GArray     *string_starts;
  GByteArray *date_styles; /* per cell format: whether it shows a date */

  /* The sheet being read. */
  guint        sheet;
  zip_file_t  *file;
  char        *part;
  guint64      part_size;
  guint64      part_read;
  GMarkupParseContext *context;
  char        *buffer;     /* CHUNK bytes */
  GError      *error;      /* what stopped the sheet early */
  gboolean     done;       /* the part is read to its end */
  gboolean     in_data;
  gboolean     in_inline;
  gboolean     in_phonetic;
  gboolean     collecting;
  Row         *row;        /* being parsed */
  int          column;     /* of the cell being parsed, or of the last */
  CellType     cell_type;
  guint        cell_style;
  GString     *value;
  GQueue       ready;      /* rows parsed, in order */
  GQueue       spare;      /* rows handed out, to be filled again */
  Row         *current;    /* the row handed out last */
  GPtrArray   *fields;
  guint        last_line;  /* the highest row number met */
  guint        n_blank;
};

/* The name of @element without a namespace prefix: some writers spell the
 * spreadsheet elements x:c, x:row… */
static const char *
local_name (const char *element)
{
  const char *colon = strrchr (element, ':');

  return colon != NULL ? colon + 1 : element;
}

static const char *
find_attribute (const char **names,
                const char **values,
                const char  *wanted)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], wanted))
      return values[i];
  return NULL;
}

/* The relationship id of an element, r:id in whatever prefix the writer
 * gave the relationships namespace. */
static const char *
find_relationship_id (const char **names,
                      const char **values)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], ":id"))
      return values[i];
  return NULL;
}

static void
set_damaged_error (EvgXlsxReader  *self,
                   const char     *part,
                   const char     *detail,
                   GError        **error)
{
  g_set_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED,
               _("The workbook is damaged: its part “%s” cannot be read (%s). Open it in Excel "
                 "or WPS, save it again and import the saved file."),
               part, detail);
}

static void
set_too_large_error (EvgXlsxReader  *self,
                     GError        **error)
{
  g_autofree char *max_text = g_format_size (self->max_size);

  g_set_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_TOO_LARGE,
               _("The workbook unpacks to more than the limit of %s for an import. Split it "
                 "into smaller files, or raise the limit (--max-size on the command line, the "
                 "import-size-limit setting in the app)."),
               max_text);
}

/* Opens @part for reading, checking what its header says it unpacks to
 * against the limit; the bytes are counted again as they come, as a
 * header may lie. */
static zip_file_t *
open_part (EvgXlsxReader  *self,
           const char     *part,
           guint64        *size,
           GError        **error)
{
  zip_int64_t index = zip_name_locate (self->zip, part, ZIP_FL_NOCASE);
  zip_stat_t st;
  zip_file_t *file;

  if (index < 0)
    {
      set_damaged_error (self, part, _("the workbook names it, but it is missing"), error);
      return NULL;
    }
  zip_stat_init (&st);
  if (zip_stat_index (self->zip, (zip_uint64_t) index, 0, &st) != 0)
    {
      set_damaged_error (self, part, zip_error_strerror (zip_get_error (self->zip)), error);
      return NULL;
    }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE)
    {
      g_set_error_literal (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_ENCRYPTED,
                           _("The workbook is protected by a password. Remove the password in "
                             "Excel or WPS, save the workbook and import it again."));
      return NULL;
    }
  if ((st.valid & ZIP_STAT_SIZE) != 0 && st.size > self->max_size - MIN (self->unpacked, self->max_size))
    {
      set_too_large_error (self, error);
      return NULL;
    }
  file = zip_fopen_index (self->zip, (zip_uint64_t) index, 0);
  if (file == NULL)
    {
      set_damaged_error (self, part, zip_error_strerror (zip_get_error (self->zip)), error);
      return NULL;
    }
  *size = (st.valid & ZIP_STAT_SIZE) != 0 ? st.size : 0;
  return file;
}

/* Reads the next piece of @file into @buffer; 0 at its end, -1 with
 * @error set. */
static gssize
read_part (EvgXlsxReader  *self,
           zip_file_t     *file,
           const char     *part,
           char           *buffer,
           GError        **error)
{
  zip_int64_t n = zip_fread (file, buffer, CHUNK);

  if (n < 0)
    {
      set_damaged_error (self, part, zip_error_strerror (zip_file_get_error (file)), error);
      return -1;
    }
  self->unpacked += (guint64) n;
  if (self->unpacked > self->max_size)
    {
      set_too_large_error (self, error);
      return -1;
    }
  return (gssize) n;
}

/* Parses the whole of a small part (the workbook, its relationships, the
 * styles, the shared strings) with @parser. */
static gboolean
parse_part (EvgXlsxReader        *self,
            const char           *part,
            const GMarkupParser  *parser,
            gpointer              user_data,
            GError              **error)
{
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local = NULL;
  char *buffer = self->buffer;
  zip_file_t *file;
  guint64 size;
  gssize n;

  file = open_part (self, part, &size, error);
  if (file == NULL)
    return FALSE;
  context = g_markup_parse_context_new (parser, G_MARKUP_PREFIX_ERROR_POSITION, user_data, NULL);
  while ((n = read_part (self, file, part, buffer, error)) > 0)
    if (!g_markup_parse_context_parse (context, buffer, n, &local))
      break;
  zip_fclose (file);
  if (n < 0)
    return FALSE;
  if (local == NULL)
    g_markup_parse_context_end_parse (context, &local);
  if (local != NULL)
    {
      set_damaged_error (self, part, local->message, error);
      return FALSE;
    }
  return TRUE;
}

/* The part that a relationship's @target names, from the folder of the
 * part whose relationships they are: "worksheets/sheet1.xml" from
 * "xl/workbook.xml" is "xl/worksheets/sheet1.xml", "/xl/…" is absolute. */
static char *
resolve_target (const char *source,
                const char *target)
{
  g_autofree char *dir = NULL;
  g_autofree char *joined = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  if (target[0] == '/')
    joined = g_strdup (target + 1);
  else
    {
      dir = g_path_get_dirname (source);
      joined = g_str_equal (dir, ".") ? g_strdup (target) : g_strconcat (dir, "/", target, NULL);
    }
  parts = g_strsplit (joined, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "..") && out->len > 0)
        g_ptr_array_set_size (out, out->len - 1);
      else if (*parts[i] != '\0' && !g_str_equal (parts[i], ".") && !g_str_equal (parts[i], ".."))
        g_ptr_array_add (out, parts[i]);
    }
  g_ptr_array_add (out, NULL);
  return g_strjoinv ("/", (char **) out->pdata);
}

/* Where the relationships of @part are: xl/workbook.xml's in
 * xl/_rels/workbook.xml.rels, the package's ("") in _rels/.rels. */
static char *
rels_part (const char *part)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;

  if (*part == '\0')
    return g_strdup ("_rels/.rels");
  dir = g_path_get_dirname (part);
  base = g_path_get_basename (part);
  if (g_str_equal (dir, "."))
    return g_strconcat ("_rels/", base, ".rels", NULL);
  return g_strconcat (dir, "/_rels/", base, ".rels", NULL);
}

typedef struct
{
  const char *source;       /* whose relationships these are */
  GHashTable *targets;      /* id → part */
  char       *office;       /* the main document */
  char       *strings;
  char       *styles;
  GHashTable *worksheets;   /* parts that are worksheets (not charts) */
} Rels;

static void
rels_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  Rels *rels = user_data;
  const char *id, *type, *target, *mode;
  char *part;

  if (!g_str_equal (local_name (element), "Relationship"))
    return;
  id = find_attribute (names, values, "Id");
  type = find_attribute (names, values, "Type");
  target = find_attribute (names, values, "Target");
  mode = find_attribute (names, values, "TargetMode");
  if (id == NULL || type == NULL || target == NULL || g_strcmp0 (mode, "External") == 0)
    return;

  part = resolve_target (rels->source, target);
  /* Transitional and Strict OOXML differ in the start of the type only. */
  if (g_str_has_suffix (type, "/officeDocument") && rels->office == NULL)
    rels->office = g_strdup (part);
  else if (g_str_has_suffix (type, "/sharedStrings") && rels->strings == NULL)
    rels->strings = g_strdup (part);
  else if (g_str_has_suffix (type, "/styles") && rels->styles == NULL)
    rels->styles = g_strdup (part);
  else if (g_str_has_suffix (type, "/worksheet"))
    g_hash_table_add (rels->worksheets, g_strdup (part));
  g_hash_table_replace (rels->targets, g_strdup (id), part);
}

static void
rels_clear (Rels *rels)
{
  g_clear_pointer (&rels->targets, g_hash_table_unref);
  g_clear_pointer (&rels->worksheets, g_hash_table_unref);
  g_clear_pointer (&rels->office, g_free);
  g_clear_pointer (&rels->strings, g_free);
  g_clear_pointer (&rels->styles, g_free);
}

static gboolean
read_rels (EvgXlsxReader  *self,
           const char     *source,
           Rels           *rels,
           GError        **error)
{
  static const GMarkupParser parser = { rels_start, NULL, NULL, NULL, NULL };
  g_autofree char *part = rels_part (source);

  rels->source = source;
  rels->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rels->worksheets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return parse_part (self, part, &parser, rels, error);
}

typedef struct
{
  EvgXlsxReader *self;
  Rels          *rels;
} WorkbookParse;

static void
workbook_start (GMarkupParseContext  *context,
                const char           *element,
                const char          **names,
                const char          **values,
                gpointer              user_data,
                GError              **error)
{
  WorkbookParse *parse = user_data;
  const char *name = local_name (element);

  if (g_str_equal (name, "workbookPr"))
    {
      const char *date1904 = find_attribute (names, values, "date1904");

      parse->self->date1904 = g_strcmp0 (date1904, "1") == 0 || g_strcmp0 (date1904, "true") == 0;
    }
  else if (g_str_equal (name, "sheet"))
    {
      const char *sheet_name = find_attribute (names, values, "name");
      const char *state = find_attribute (names, values, "state");
      const char *id = find_relationship_id (names, values);
      const char *part = id != NULL ? g_hash_table_lookup (parse->rels->targets, id) : NULL;

      /* Hidden sheets hold what the visible ones look up; charts and
       * macro sheets hold no rows. */
      if (part == NULL || !g_hash_table_contains (parse->rels->worksheets, part) ||
          (state != NULL && !g_str_equal (state, "visible")))
        return;
      g_ptr_array_add (parse->self->sheet_names, g_strdup (sheet_name != NULL ? sheet_name : ""));
      g_ptr_array_add (parse->self->sheet_parts, g_strdup (part));
    }
}

/* Text from <t> elements, outside phonetic guides (<rPh>): the shared
 * strings' and the inline strings' alike. */
typedef struct
{
  EvgXlsxReader *self;
  gboolean       in_text;
  gboolean       in_phonetic;
  GString       *value;
} StringsParse;

static void
strings_start (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  StringsParse *parse = user_data;
  const char *name = local_name (element);

  if (g_str_equal (name, "si"))
    g_string_truncate (parse->value, 0);
  else if (g_str_equal (name, "t"))
    parse->in_text = !parse->in_phonetic;
  else if (g_str_equal (name, "rPh"))
    parse->in_phonetic = TRUE;
}

static void
strings_end (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  StringsParse *parse = user_data;
  const char *name = local_name (element);

  if (g_str_equal (name, "t"))
    parse->in_text = FALSE;
  else if (g_str_equal (name, "rPh"))
    parse->in_phonetic = FALSE;
  else if (g_str_equal (name, "si"))
    {
      gsize start = parse->self->strings->len;

      g_array_append_val (parse->self->string_starts, start);
      g_string_append_len (parse->self->strings, parse->value->str, (gssize) parse->value->len + 1);
    }
}

static void
strings_text (GMarkupParseContext  *context,
              const char           *text,
              gsize                 len,
              gpointer              user_data,
              GError              **error)
{
  StringsParse *parse = user_data;

  if (parse->in_text)
    g_string_append_len (parse->value, text, (gssize) len);
}

/* Whether a number format code shows a date: it has a year or a day in
 * it, outside quoted text, escapes and [colour] or [$-locale] brackets.
 * "m" alone may be minutes, so it does not count. */
static gboolean
format_code_is_date (const char *code)
{
  for (const char *p = code; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          p = strchr (p + 1, '"');
          if (p == NULL)
            return FALSE;
          break;
        case '[':
          p = strchr (p + 1, ']');
          if (p == NULL)
            return FALSE;
          break;
        case '\\':
        case '_':
        case '*':
          if (p[1] == '\0')
            return FALSE;
          p++;
          break;
        case ';':
          /* The first section is the one numbers use. */
          return FALSE;
        case 'y': case 'Y': case 'd': case 'D': case 'e':
          return TRUE;
        default:
          break;
        }
    }
  return FALSE;
}

/* The built-in number formats that show a date (with or without a time),
 * the Chinese ones among 27–36 and 50–58 included; the others there show
 * times alone. */
static gboolean
builtin_is_date (guint id)
{
  return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 ||
         (id >= 50 && id <= 54) || id == 57 || id == 58;
}

typedef struct
{
  EvgXlsxReader *self;
  GHashTable    *custom;    /* numFmtId → whether it is a date */
  gboolean       in_cell_formats;
} StylesParse;

static void
styles_start (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  StylesParse *parse = user_data;
  const char *name = local_name (element);

  if (g_str_equal (name, "numFmt"))
    {
      const char *id = find_attribute (names, values, "numFmtId");
      const char *code = find_attribute (names, values, "formatCode");

      if (id != NULL && code != NULL)
        g_hash_table_insert (parse->custom, GUINT_TO_POINTER (strtoul (id, NULL, 10)),
                             GINT_TO_POINTER (format_code_is_date (code)));
    }
  else if (g_str_equal (name, "cellXfs"))
    parse->in_cell_formats = TRUE;
  else if (g_str_equal (name, "xf") && parse->in_cell_formats)
    {
      const char *id_text = find_attribute (names, values, "numFmtId");
      guint id = id_text != NULL ? (guint) strtoul (id_text, NULL, 10) : 0;
      gpointer custom;
      guint8 date;

      if (g_hash_table_lookup_extended (parse->custom, GUINT_TO_POINTER (id), NULL, &custom))
        date = GPOINTER_TO_INT (custom) != 0;
      else
        date = builtin_is_date (id);
      g_byte_array_append (parse->self->date_styles, &date, 1);
    }
}

static void
styles_end (GMarkupParseContext  *context,
            const char           *element,
            gpointer              user_data,
            GError              **error)
{
  StylesParse *parse = user_data;

  if (g_str_equal (local_name (element), "cellXfs"))
    parse->in_cell_formats = FALSE;
}

/* Reads what every sheet needs: the sheets in their order, the shared
 * strings and which cell formats show dates. */
static gboolean
read_workbook (EvgXlsxReader  *self,
               GError        **error)
{
  static const GMarkupParser workbook_parser = { workbook_start, NULL, NULL, NULL, NULL };
  static const GMarkupParser strings_parser = { strings_start, strings_end, strings_text, NULL, NULL };
  static const GMarkupParser styles_parser = { styles_start, styles_end, NULL, NULL, NULL };
  Rels root = { 0 }, rels = { 0 };
  g_autofree char *workbook = NULL;
  gboolean ok = FALSE;

  /* The package says where its workbook is; files without that
   * relationship are all but unheard of, but xl/workbook.xml is where
   * every writer puts it. */
  if (zip_name_locate (self->zip, "_rels/.rels", ZIP_FL_NOCASE) >= 0)
    {
      if (!read_rels (self, "", &root, error))
        goto out;
      workbook = g_strdup (root.office);
    }
  if (workbook == NULL)
    workbook = g_strdup ("xl/workbook.xml");
  if (zip_name_locate (self->zip, workbook, ZIP_FL_NOCASE) < 0)
    {
      g_set_error_literal (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_NOT_WORKBOOK,
                           _("The file is a ZIP archive but not an Excel workbook (.xlsx). Save "
                             "the roster from Excel or WPS as “Excel Workbook (*.xlsx)” or as "
                             "“CSV UTF-8” and import that file."));
      goto out;
    }

  if (!read_rels (self, workbook, &rels, error))
    goto out;
  {
    WorkbookParse parse = { self, &rels };

    if (!parse_part (self, workbook, &workbook_parser, &parse, error))
      goto out;
  }

  if (rels.strings != NULL && zip_name_locate (self->zip, rels.strings, ZIP_FL_NOCASE) >= 0)
    {
      g_autoptr(GString) value = g_string_new (NULL);
      StringsParse parse = { self, FALSE, FALSE, value };

      if (!parse_part (self, rels.strings, &strings_parser, &parse, error))
        goto out;
    }
  if (rels.styles != NULL && zip_name_locate (self->zip, rels.styles, ZIP_FL_NOCASE) >= 0)
    {
      g_autoptr(GHashTable) custom = g_hash_table_new (NULL, NULL);
      StylesParse parse = { self, custom, FALSE };

      if (!parse_part (self, rels.styles, &styles_parser, &parse, error))
        goto out;
    }
  ok = TRUE;

out:
  rels_clear (&root);
  rels_clear (&rels);
  return ok;
}

/**
 * evg_xlsx_file_is_workbook:
 *
 * Whether @path is an ordinary file that starts as a ZIP archive does, as
 * every .xlsx workbook does: the importers read it with #EvgXlsxReader
 * rather than as CSV, whatever its name ends in.
 */
gboolean
evg_xlsx_file_is_workbook (const char *path)
{
  static const char zip[] = { 'P', 'K', 0x03, 0x04 };
  char head[sizeof zip];
  struct stat st;
  gboolean workbook = FALSE;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  /* Without blocking: opening a pipe would wait for a writer. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) &&
      read (fd, head, sizeof head) == (gssize) sizeof head)
    workbook = memcmp (head, zip, sizeof zip) == 0;
  close (fd);
  return workbook;
}

/**
 * evg_xlsx_reader_new_for_path:
 * @max_size: the most bytes to read, the file itself and what its parts
 *   unpack to each; the same limit as for CSV files guards against a
 *   small file that unpacks to gigabytes
 *
 * Opens a workbook and reads its list of sheets, shared strings and
 * styles; then evg_xlsx_reader_open_sheet() starts on a sheet.
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL with an
 *   #EVG_XLSX_ERROR or a #GFileError
 */
EvgXlsxReader *
evg_xlsx_reader_new_for_path (const char  *path,
                              guint64      max_size,
                              GError     **error)
{
  g_autoptr(EvgXlsxReader) self = NULL;
  struct stat st;
  int fd, code = 0;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (EvgXlsxReader, 1);
  self->max_size = max_size;
  self->sheet_names = g_ptr_array_new_with_free_func (g_free);
  self->sheet_parts = g_ptr_array_new_with_free_func (g_free);
  self->strings = g_string_new (NULL);
  self->string_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->date_styles = g_byte_array_new ();
  self->value = g_string_new (NULL);
  self->fields = g_ptr_array_new ();
  self->buffer = g_malloc (CHUNK);
  self->sheet = G_MAXUINT;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error_literal (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_NOT_FILE,
                           _("It is not an ordinary file. Save the workbook as a file and "
                             "import that file."));
      return NULL;
    }
  if ((guint64) st.st_size > max_size)
    {
      g_autofree char *size_text = g_format_size ((guint64) st.st_size);
      g_autofree char *max_text = g_format_size (max_size);

      close (fd);
      g_set_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_TOO_LARGE,
                   _("The file is %s, more than the limit of %s for an import. Split it into "
                     "smaller files, or raise the limit (--max-size on the command line, the "
                     "import-size-limit setting in the app)."),
                   size_text, max_text);
      return NULL;
    }

  /* libzip owns the descriptor from here on, even when it fails. */
  self->zip = zip_fdopen (fd, ZIP_RDONLY, &code);
  if (self->zip == NULL)
    {
      zip_error_t zip_error;

      zip_error_init_with_code (&zip_error, code);
      g_set_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED,
                   _("The workbook is damaged or incomplete (%s): it may have been cut short "
                     "while it was copied or downloaded. Open it in Excel or WPS, save it again "
                     "and import the saved file."),
                   zip_error_strerror (&zip_error));
      zip_error_fini (&zip_error);
      return NULL;
    }

  if (!read_workbook (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
row_free (Row *row)
{
  g_string_free (row->text, TRUE);
  g_free (row);
}

/* Lets go of the sheet being read, keeping the rows for reuse. */
static void
close_sheet (EvgXlsxReader *self)
{
  Row *row;

  g_clear_pointer (&self->context, g_markup_parse_context_free);
  if (self->file != NULL)
    zip_fclose (self->file);
  self->file = NULL;
  g_clear_pointer (&self->part, g_free);
  g_clear_error (&self->error);
  if (self->row != NULL)
    g_queue_push_tail (&self->spare, g_steal_pointer (&self->row));
  if (self->current != NULL)
    g_queue_push_tail (&self->spare, g_steal_pointer (&self->current));
  while ((row = g_queue_pop_head (&self->ready)) != NULL)
    g_queue_push_tail (&self->spare, row);
}

void
evg_xlsx_reader_free (EvgXlsxReader *reader)
{
  if (reader == NULL)
    return;
  close_sheet (reader);
  g_queue_clear_full (&reader->spare, (GDestroyNotify) row_free);
  if (reader->zip != NULL)
    zip_discard (reader->zip);
  g_free (reader->buffer);
  g_ptr_array_unref (reader->sheet_names);
  g_ptr_array_unref (reader->sheet_parts);
  g_string_free (reader->strings, TRUE);
  g_array_unref (reader->string_starts);
  g_byte_array_unref (reader->date_styles);
  g_string_free (reader->value, TRUE);
  g_ptr_array_unref (reader->fields);
  g_free (reader);
}

/* The sheets that can hold rows (visible worksheets), in the workbook's
 * order. */
guint
evg_xlsx_reader_get_n_sheets (EvgXlsxReader *reader)
{
  return reader->sheet_names->len;
}

const char *
evg_xlsx_reader_get_sheet_name (EvgXlsxReader *reader,
                                guint          sheet)
{
  g_return_val_if_fail (sheet < reader->sheet_names->len, NULL);

  return g_ptr_array_index (reader->sheet_names, sheet);
}

/* Whether the workbook counts its dates from 1904 (old Excel for Mac). */
gboolean
evg_xlsx_reader_get_date1904 (EvgXlsxReader *reader)
{
  return reader->date1904;
}

/**
 * evg_xlsx_serial_to_date:
 * @text: a number as a workbook stores it
 *
 * Turns a date that a spreadsheet stores as a count of days (the serial
 * number that a date cell without its format shows, such as 44927 for
 * 2023-01-01) into YYYY-MM-DD, any time of day dropped.  In the 1900 date
 * system Excel counts a 29 February 1900 that never was, as Lotus 1-2-3
 * did; the days before it are one off from the rest, and that day itself
 * is no date.
 *
 * Returns: (transfer full) (nullable): the date, or %NULL when @text is no
 *   day number
 */
char *
evg_xlsx_serial_to_date (const char *text,
                         gboolean    date1904)
{
  GDate date;
  char *end = NULL;
  double serial;
  guint days;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return NULL;
  serial = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (serial) || serial < 1 || serial > MAX_SERIAL)
    return NULL;
  days = (guint) floor (serial);

  g_date_clear (&date, 1);
  if (date1904)
    {
      g_date_set_dmy (&date, 1, G_DATE_JANUARY, 1904);
      if (days > MAX_SERIAL - 1462)
        return NULL;
    }
  else if (days == 60)
    return NULL;
  else if (days < 60)
    g_date_set_dmy (&date, 31, G_DATE_DECEMBER, 1899);
  else
    g_date_set_dmy (&date, 30, G_DATE_DECEMBER, 1899);
  g_date_add_days (&date, days);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date),
                          (guint) g_date_get_month (&date), g_date_get_day (&date));
}

/* Reads a cell reference such as "C12" into a column from 0 and a row
 * from 1; FALSE when it is none, or beyond what a sheet can have. */
static gboolean
parse_reference (const char *ref,
                 int        *column,
                 guint      *row)
{
  const char *p = ref;
  guint col = 0, r = 0;

  for (; g_ascii_isalpha (*p); p++)
    {
      col = col * 26 + (guint) (g_ascii_toupper (*p) - 'A' + 1);
      if (col > MAX_COLUMNS)
        return FALSE;
    }
  if (p == ref)
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      r = r * 10 + (guint) (*p - '0');
      if (r > MAX_ROWS)
        return FALSE;
    }
  if (*p != '\0' || r == 0)
    return FALSE;
  *column = (int) col - 1;
  *row = r;
  return TRUE;
}

static Row *
take_row (EvgXlsxReader *self)
{
  Row *row = g_queue_pop_head (&self->spare);

  if (row == NULL)
    {
      row = g_new0 (Row, 1);
      row->text = g_string_sized_new (256);
    }
  g_string_truncate (row->text, 0);
  row->n_cells = 0;
  return row;
}

/* The text of the cell just parsed, as the reader hands it out. */
static void
append_cell_value (EvgXlsxReader  *self,
                   GString        *out,
                   GError        **error)
{
  const char *raw = self->value->str;

  switch (self->cell_type)
    {
    case CELL_SHARED:
      {
        char *end = NULL;
        guint64 index = g_ascii_strtoull (raw, &end, 10);

        if (end == raw || *end != '\0' || index >= self->string_starts->len)
          {
            g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                         _("a cell refers to shared text “%s”, which the workbook does not have"),
                         raw);
            return;
          }
        g_string_append (out, self->strings->str + g_array_index (self->string_starts, gsize, index));
      }
      return;

    case CELL_BOOLEAN:
      g_string_append (out, g_str_equal (raw, "1") ? "TRUE" : raw[0] == '\0' ? "" : "FALSE");
      return;

    case CELL_DATE:
      /* 2024-07-01T00:00:00: the date is what comes before the time. */
      if (strlen (raw) >= 10 && raw[4] == '-' && raw[7] == '-')
        g_string_append_len (out, raw, 10);
      else
        g_string_append (out, raw);
      return;

    case CELL_NUMBER:
      if (raw[0] != '\0' && self->cell_style < self->date_styles->len &&
          self->date_styles->data[self->cell_style])
        {
          g_autofree char *date = evg_xlsx_serial_to_date (raw, self->date1904);

          if (date != NULL)
            {
              g_string_append (out, date);
              return;
            }
        }
      /* A whole number that the writer put in exponent form (Excel does
       * from 1E+17 up, and some writers sooner), spelt out while it is
       * exact: a phone number stored as a number reads as one. */
      if (strpbrk (raw, "eE") != NULL)
        {
          char *end = NULL;
          double number = g_ascii_strtod (raw, &end);

          if (end != raw && *end == '\0' && fabs (number) < 1e15 && number == floor (number))
            {
              g_string_append_printf (out, "%.0f", number);
              return;
            }
        }
      g_string_append (out, raw);
      return;

    case CELL_INLINE:
    case CELL_TEXT:
    default:
      g_string_append (out, raw);
      return;
    }
}

static CellType
parse_cell_type (const char *type)
{
  if (type == NULL || g_str_equal (type, "n"))
    return CELL_NUMBER;
  if (g_str_equal (type, "s"))
    return CELL_SHARED;
  if (g_str_equal (type, "inlineStr"))
    return CELL_INLINE;
  if (g_str_equal (type, "b"))
    return CELL_BOOLEAN;
  if (g_str_equal (type, "d"))
    return CELL_DATE;
  return CELL_TEXT;
}

static void
sheet_start (GMarkupParseContext  *context,
             const char           *element,
             const char          **names,
             const char          **values,
             gpointer              user_data,
             GError              **error)
{
  EvgXlsxReader *self = user_data;
  const char *name = local_name (element);

  if (!self->in_data)
    {
      self->in_data = g_str_equal (name, "sheetData");
      return;
    }

  if (g_str_equal (name, "c") && self->row != NULL)
    {
      const char *ref = find_attribute (names, values, "r");
      const char *style = find_attribute (names, values, "s");
      guint line = 0;
      int column = self->column + 1;

      /* Cells without a reference follow the one before. */
      if (ref != NULL && !parse_reference (ref, &column, &line))
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       _("“%s” is not a cell of a sheet"), ref);
          return;
        }
      if (column <= self->column || column >= MAX_COLUMNS)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       _("the cells of row %u are out of order"), self->row->line);
          return;
        }
      self->column = column;
      self->cell_type = parse_cell_type (find_attribute (names, values, "t"));
      self->cell_style = style != NULL ? (guint) strtoul (style, NULL, 10) : 0;
      g_string_truncate (self->value, 0);
    }
  else if (g_str_equal (name, "v"))
    self->collecting = TRUE;
  else if (g_str_equal (name, "is"))
    self->in_inline = TRUE;
  else if (g_str_equal (name, "rPh"))
    self->in_phonetic = TRUE;
  else if (g_str_equal (name, "t"))
    self->collecting = self->in_inline && !self->in_phonetic;
  else if (g_str_equal (name, "row"))
    {
      const char *ref = find_attribute (names, values, "r");
      guint line = self->last_line + 1;

      if (ref != NULL)
        {
          char *end = NULL;
          guint64 r = g_ascii_strtoull (ref, &end, 10);

          line = end != ref && *end == '\0' && r > 0 && r <= MAX_ROWS ? (guint) r : 0;
        }
      if (line <= self->last_line || line > MAX_ROWS)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       _("row “%s” is out of order"), ref != NULL ? ref : "");
          return;
        }
      self->n_blank += line - self->last_line - 1;
      self->last_line = line;
      self->row = take_row (self);
      self->row->line = line;
      self->column = -1;
    }
}

static void
sheet_end (GMarkupParseContext  *context,
           const char           *element,
           gpointer              user_data,
           GError              **error)
{
  EvgXlsxReader *self = user_data;
  const char *name = local_name (element);

  if (!self->in_data)
    return;

  if (g_str_equal (name, "v") || g_str_equal (name, "t"))
    self->collecting = FALSE;
  else if (g_str_equal (name, "rPh"))
    self->in_phonetic = FALSE;
  else if (g_str_equal (name, "is"))
    self->in_inline = FALSE;
  else if (g_str_equal (name, "c") && self->row != NULL)
    {
      Row *row = self->row;

      /* The cells left out before this one are empty. */
      for (; row->n_cells < (guint) self->column; row->n_cells++)
        g_string_append_c (row->text, '\0');
      append_cell_value (self, row->text, error);
      g_string_append_c (row->text, '\0');
      row->n_cells++;
    }
  else if (g_str_equal (name, "row") && self->row != NULL)
    {
      /* A row with no cells is a formatted blank line. */
      if (self->row->n_cells == 0)
        {
          self->n_blank++;
          g_queue_push_tail (&self->spare, g_steal_pointer (&self->row));
        }
      else
        g_queue_push_tail (&self->ready, g_steal_pointer (&self->row));
    }
  else if (g_str_equal (name, "sheetData"))
    self->in_data = FALSE;
}

static void
sheet_text (GMarkupParseContext  *context,
            const char           *text,
            gsize                 len,
            gpointer              user_data,
            GError              **error)
{
  EvgXlsxReader *self = user_data;

  if (self->collecting)
    g_string_append_len (self->value, text, (gssize) len);
}

/**
 * evg_xlsx_reader_open_sheet:
 * @sheet: from 0, below evg_xlsx_reader_get_n_sheets()
 *
 * Starts reading @sheet from its first row, leaving the one read before.
 */
gboolean
evg_xlsx_reader_open_sheet (EvgXlsxReader  *reader,
                            guint           sheet,
                            GError        **error)
{
  static const GMarkupParser parser = { sheet_start, sheet_end, sheet_text, NULL, NULL };

  g_return_val_if_fail (sheet < reader->sheet_parts->len, FALSE);

  close_sheet (reader);
  reader->sheet = sheet;
  reader->part = g_strdup (g_ptr_array_index (reader->sheet_parts, sheet));
  reader->done = FALSE;
  reader->in_data = reader->in_inline = reader->in_phonetic = reader->collecting = FALSE;
  reader->last_line = 0;
  reader->n_blank = 0;
  reader->part_read = 0;
  reader->file = open_part (reader, reader->part, &reader->part_size, error);
  if (reader->file == NULL)
    return FALSE;
  reader->context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, reader, NULL);
  return TRUE;
}

/* Parses more of the sheet, until a row is ready or the sheet ended. */
static void
parse_more (EvgXlsxReader *self)
{
  char *buffer = self->buffer;

  while (g_queue_is_empty (&self->ready) && !self->done && self->error == NULL)
    {
      g_autoptr(GError) local = NULL;
      gssize n = read_part (self, self->file, self->part, buffer, &self->error);

      if (n < 0)
        break;
      self->part_read += (guint64) n;
      if (n == 0)
        {
          self->done = TRUE;
          if (!g_markup_parse_context_end_parse (self->context, &local))
            set_damaged_error (self, self->part, local->message, &self->error);
        }
      else if (!g_markup_parse_context_parse (self->context, buffer, n, &local))
        set_damaged_error (self, self->part, local->message, &self->error);
    }
}

/**
 * evg_xlsx_reader_next:
 * @fields: (out) (transfer none): the row's cells, valid until the next call
 * @line: (out) (optional): the row's number in the sheet, from 1
 *
 * Reads the next row of the open sheet, skipping rows without cells.
 *
 * Returns: %FALSE at the end of the sheet, or where it is damaged (see
 *   evg_xlsx_reader_finish())
 */
gboolean
evg_xlsx_reader_next (EvgXlsxReader  *reader,
                      GPtrArray     **fields,
                      guint          *line)
{
  Row *row;
  const char *p;

  g_return_val_if_fail (reader->context != NULL, FALSE);

  if (reader->current != NULL)
    g_queue_push_tail (&reader->spare, g_steal_pointer (&reader->current));
  parse_more (reader);
  /* Rows after a damaged spot are not handed out, whatever was parsed. */
  if (reader->error != NULL)
    return FALSE;
  row = g_queue_pop_head (&reader->ready);
  if (row == NULL)
    return FALSE;

  reader->current = row;
  g_ptr_array_set_size (reader->fields, 0);
  p = row->text->str;
  for (guint i = 0; i < row->n_cells; i++)
    {
      g_ptr_array_add (reader->fields, (gpointer) p);
      p += strlen (p) + 1;
    }
  *fields = reader->fields;
  if (line != NULL)
    *line = row->line;
  return TRUE;
}

/**
 * evg_xlsx_reader_finish:
 *
 * Says whether the sheet was read to its end, once evg_xlsx_reader_next()
 * returned %FALSE.  The rows read before a damaged spot cannot be trusted
 * to be all the sheet has, so the caller must not use any of them.
 */
gboolean
evg_xlsx_reader_finish (EvgXlsxReader  *reader,
                        GError        **error)
{
  if (reader->error == NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (reader->error));
  return FALSE;
}

/* How far through the sheet the reader is, from 0 to 1. */
double
evg_xlsx_reader_get_fraction (EvgXlsxReader *reader)
{
  if (reader->done || reader->part_size == 0)
    return reader->done ? 1.0 : 0.0;
  return MIN (1.0, (double) reader->part_read / (double) reader->part_size);
}

/**
 * evg_xlsx_reader_get_n_lines:
 *
 * Returns: the number of the last row handed out; once
 *   evg_xlsx_reader_next() returned %FALSE, of the sheet's last row, blank
 *   ones included
 */
guint
evg_xlsx_reader_get_n_lines (EvgXlsxReader *reader)
{
  /* The parser runs ahead of the rows handed out. */
  return reader->current != NULL ? reader->current->line : reader->last_line;
}

/**
 * evg_xlsx_reader_get_n_blank_lines:
 *
 * Returns: the rows of the sheet passed over so far for holding no cells,
 *   those the sheet leaves out included
 */
guint
evg_xlsx_reader_get_n_blank_lines (EvgXlsxReader *reader)
{
  return reader->n_blank;
}
